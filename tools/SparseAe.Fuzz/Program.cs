using System.Diagnostics;
using SparseAe.Fuzz;

// The fuzzing harness of issue 6. See README.md beside this file.
//
//   dotnet SparseAe.Fuzz.dll TARGET                    under libFuzzer (started by driver/libfuzzer-dotnet)
//   dotnet SparseAe.Fuzz.dll TARGET FILE               one input, once, as the fuzzer would run it
//   dotnet SparseAe.Fuzz.dll repro [--isolate] TARGET PATH...  files or folders: outcome, time and allocation per file
//   dotnet SparseAe.Fuzz.dll seed TARGET|all FOLDER    writes small valid inputs made by the real writers
//   dotnet SparseAe.Fuzz.dll list                      the targets

return SparseAe.Fuzz.Cli.Run(args);

namespace SparseAe.Fuzz
{
    internal static class Cli
    {
        public static int Run(string[] args)
        {
            GiveTraceAScratchMap();
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
                return Usage(0);
            // A mistyped input path is the user's, not a finding: said in one line before any target runs
            // (under libFuzzer's driver the arguments are the driver's, not paths).
            bool underLibFuzzer = Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null;
            var inputs = underLibFuzzer ? [] : args[0] == "repro" ? args.Skip(args.Length > 1 && args[1] == "--isolate" ? 3 : 2)
                : args[0] is "list" or "seed" ? [] : args.Skip(1);
            if (inputs.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p)) is { } missing)
            {
                Console.Error.WriteLine($"'{missing}' is neither a file nor a folder");
                return 2;
            }
            // TARGET FILE reads one file (repro takes folders): a folder was let through and ended in File.ReadAllBytes's
            // UnauthorizedAccessException with .NET's stack.
            if (!underLibFuzzer && args[0] is not ("repro" or "list" or "seed") && args.Length == 2 && Directory.Exists(args[1]))
            {
                Console.Error.WriteLine($"'{args[1]}' is a folder; TARGET FILE runs one file (repro TARGET PATH... takes folders)");
                return 2;
            }
            try
            {
                return args[0] switch
                {
                    "list" => List(),
                    "repro" when args.Length >= 4 && args[1] == "--isolate" => Repro.Run(Targets.Get(args[2]), args[3..], isolate: true),
                    "repro" when args.Length >= 3 => Repro.Run(Targets.Get(args[1]), args[2..]),
                    "seed" when args.Length == 3 => Seeds.Write(args[1], args[2]),
                    "repro" or "seed" => Usage(2),
                    _ => Fuzz(Targets.Get(args[0]), args[1..]),
                };
            }
            catch (UnknownTargetException e)
            {
                Console.Error.WriteLine(e.Message);
                return Usage(2);
            }
        }

        private static int Fuzz(FuzzTarget target, string[] rest)
        {
            bool underLibFuzzer = Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null;
            if (!underLibFuzzer)
            {
                // SharpFuzz would read Environment.GetCommandLineArgs()[1], which is the target name here.
                if (rest.Length != 1) return Usage(2);
                Guard.Execute(target, File.ReadAllBytes(rest[0]));
                Console.WriteLine("ok: no failure");
                return 0;
            }

            // Warm up before the first measured input: the first call of each code path pays for JIT
            // compilation and static initialisation (ML.NET's component catalog scan takes seconds), which
            // would otherwise count against the time and allocation limits.
            var warmUp = Stopwatch.StartNew();
            target.WarmUp();
            Console.Error.WriteLine($"SparseAe.Fuzz: target '{target.Name}' warmed up in {warmUp.ElapsedMilliseconds} ms; limits: " +
                                    $"{Guard.TimeLimit.TotalSeconds:0.###} s, 4 x input + {Guard.AllocationSlack / (1 << 20)} MiB allocated.");

            // An exception escaping the action makes SharpFuzz print it, report a crash and return.
            SharpFuzz.Fuzzer.LibFuzzer.Run(span => Guard.Execute(target, span.ToArray()));
            return 0;
        }

        /// <summary>
        /// The instrumented assemblies write every edge into SharpFuzz.Common.Trace.SharedMem, which
        /// LibFuzzer.Run points at the driver's shared memory. Until then (warm-up) and outside the driver
        /// (seed, repro and one-file runs of an instrumented build) they need some 64 KiB map to write to.
        /// </summary>
        private static unsafe void GiveTraceAScratchMap()
        {
            if (SharpFuzz.Common.Trace.SharedMem == null)
                SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
        }

        private static int List()
        {
            foreach (var t in Targets.All) Console.WriteLine($"{t.Name,-12} {t.Description}");
            return 0;
        }

        private static int Usage(int code)
        {
            var text = """
                usage:
                  SparseAe.Fuzz TARGET                  run under libFuzzer (run-fuzz.sh starts it so)
                  SparseAe.Fuzz TARGET FILE             run one input once; an unexpected exception or a broken limit is thrown
                  SparseAe.Fuzz repro [--isolate] TARGET PATH...
                                                        run files and folders, print outcome, time and allocation; exit 1 on a failure;
                                                        --isolate: one process per file (survives a stack overflow)
                  SparseAe.Fuzz seed TARGET|all FOLDER  write small valid inputs (FOLDER/TARGET/...) with the real writers
                  SparseAe.Fuzz list                    list the targets
                """;
            (code == 0 ? Console.Out : Console.Error).WriteLine(text);
            if (code == 0) List();
            return code;
        }
    }
}
