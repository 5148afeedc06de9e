// libFuzzer front end for a .NET target that uses SharpFuzz.Fuzzer.LibFuzzer.Run (SharpFuzz 2.x).
//
// Build: clang++-14 -O1 -g -fsanitize=fuzzer libfuzzer-dotnet-driver.cc -o libfuzzer-dotnet
// Run:   libfuzzer-dotnet --target_path=/usr/bin/dotnet --target_arg="SparseAe.Fuzz.dll mat" [libFuzzer flags] CORPUS...
//
// Protocol (the .NET side is SharpFuzz's LibFuzzer.Run):
//   * one System V shared-memory segment of MapSize + MaxInput bytes: the first MapSize bytes are the
//     coverage map the instrumented assemblies write to, the input follows them;
//   * the child finds the segment in __LIBFUZZER_SHM_ID and two inherited pipe ends: fd 198 (control,
//     driver -> child: the int32 size of the next input) and fd 199 (status, child -> driver: int32, 0 for
//     "ran fine", anything else for "an exception escaped"). The child first sends one int32 (0) when it is
//     ready;
//   * after each input the driver copies the map into libFuzzer's extra counters, so the .NET edges count
//     as features (libFuzzer's "ft"; its "cov" counts only this driver's own instrumented code).
//
// The child is killed with the driver (PR_SET_PDEATHSIG), so a libFuzzer timeout or crash exit leaves no
// orphaned dotnet process behind, and the segment is marked for removal as soon as both sides are attached.

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr size_t kMapSize = 1 << 16;       // SharpFuzz's coverage map
constexpr size_t kMaxInput = 1 << 20;      // largest input passed on
constexpr int kControlFd = 198;            // child reads input sizes here
constexpr int kStatusFd = 199;             // child writes statuses here

int g_shm_id = -1;
uint8_t *g_shm = nullptr;
int g_control_write = -1;                  // driver's end of the control pipe
int g_status_read = -1;                    // driver's end of the status pipe
pid_t g_child = -1;

void RemoveSegment() {
  if (g_shm_id >= 0) shmctl(g_shm_id, IPC_RMID, nullptr);
  g_shm_id = -1;
}

void AtExit() {
  RemoveSegment();
  if (g_child > 0) {
    kill(g_child, SIGKILL);
    waitpid(g_child, nullptr, 0);
    g_child = -1;
  }
}

[[noreturn]] void Die(const char *what) {
  std::fprintf(stderr, "libfuzzer-dotnet: %s: %s\n", what, std::strerror(errno));
  AtExit();
  std::_Exit(1);
}

// Reaps the child and says how it ended.
void ReportChildDeath() {
  int status = 0;
  if (g_child > 0 && waitpid(g_child, &status, 0) == g_child) {
    if (WIFEXITED(status))
      std::fprintf(stderr, "libfuzzer-dotnet: the .NET target exited with code %d\n", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
      std::fprintf(stderr, "libfuzzer-dotnet: the .NET target was killed by signal %d\n", WTERMSIG(status));
  }
}

// The child is gone outside an input (start-up, or a write that hit a closed pipe): leave.
[[noreturn]] void ChildGone() {
  ReportChildDeath();
  g_child = -1;
  std::fprintf(stderr, "libfuzzer-dotnet: the .NET target is gone; stopping.\n");
  RemoveSegment();
  std::_Exit(1);
}

// Reads exactly n bytes; returns false on end of file (the child is gone).
bool ReadAll(int fd, void *buffer, size_t n) {
  auto *p = static_cast<uint8_t *>(buffer);
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) Die("read from the .NET target");
    if (r == 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

void WriteAll(int fd, const void *buffer, size_t n) {
  auto *p = static_cast<const uint8_t *>(buffer);
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EPIPE) ChildGone();
    if (w < 0) Die("write to the .NET target");
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// "--name=value" from argv, or empty.
std::string Flag(int argc, char **argv, const char *name) {
  std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; i++)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
  return {};
}

// Splits the target arguments on spaces (no quoting: paths here have no spaces).
std::vector<std::string> Words(const std::string &text) {
  std::vector<std::string> words;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    if (end > at) words.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

}  // namespace

// libFuzzer adds these counters to its features; the weak attribute and the section are what make
// libFuzzer find them (its __libfuzzer_extra_counters section bounds).
__attribute__((weak, section("__libfuzzer_extra_counters"))) uint8_t extra_counters[kMapSize];

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  std::string target = Flag(*argc, *argv, "target_path");
  std::string target_args = Flag(*argc, *argv, "target_arg");
  if (target.empty()) {
    std::fprintf(stderr, "libfuzzer-dotnet: give --target_path=PROGRAM [--target_arg=\"ARGS\"]\n");
    std::exit(1);
  }

  g_shm_id = shmget(IPC_PRIVATE, kMapSize + kMaxInput, IPC_CREAT | IPC_EXCL | 0600);
  if (g_shm_id < 0) Die("shmget");
  std::atexit(AtExit);
  void *mapped = shmat(g_shm_id, nullptr, 0);
  if (mapped == reinterpret_cast<void *>(-1)) Die("shmat");
  g_shm = static_cast<uint8_t *>(mapped);

  int control[2], status[2];
  if (pipe(control) != 0 || pipe(status) != 0) Die("pipe");

  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) Die("fork");
  if (child == 0) {
    // Die with the driver, whichever way it ends (libFuzzer's timeout and crash paths call _Exit).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) std::_Exit(1);
    if (dup2(control[0], kControlFd) < 0 || dup2(status[1], kStatusFd) < 0) Die("dup2");
    close(control[0]); close(control[1]); close(status[0]); close(status[1]);
    std::string shm = std::to_string(g_shm_id);
    setenv("__LIBFUZZER_SHM_ID", shm.c_str(), 1);
    setenv("__LIBFUZZER_CONTROL_PIPE_ID", std::to_string(kControlFd).c_str(), 1);
    setenv("__LIBFUZZER_STATUS_PIPE_ID", std::to_string(kStatusFd).c_str(), 1);

    std::vector<std::string> words = Words(target_args);
    std::vector<char *> args;
    args.push_back(const_cast<char *>(target.c_str()));
    for (auto &w : words) args.push_back(const_cast<char *>(w.c_str()));
    args.push_back(nullptr);
    execv(target.c_str(), args.data());
    Die("execv of the .NET target");
  }

  g_child = child;
  close(control[0]);
  close(status[1]);
  g_control_write = control[1];
  g_status_read = status[0];
  // A write to a dead child must come back as EPIPE (and then end of file on the status pipe), not kill us.
  signal(SIGPIPE, SIG_IGN);

  int32_t ready = -1;
  if (!ReadAll(g_status_read, &ready, sizeof ready)) ChildGone();
  if (ready != 0) {
    std::fprintf(stderr, "libfuzzer-dotnet: unexpected handshake %d from the .NET target\n", ready);
    AtExit();
    std::_Exit(1);
  }
  // Both sides are attached now: mark the segment for removal, so that it goes away with the last
  // detach even when libFuzzer leaves through _Exit and no atexit handler runs.
  RemoveSegment();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInput) return 0;  // cannot be passed on; -max_len keeps libFuzzer below this anyway

  std::memset(g_shm, 0, kMapSize);
  if (size > 0) std::memcpy(g_shm + kMapSize, data, size);

  int32_t length = static_cast<int32_t>(size);
  WriteAll(g_control_write, &length, sizeof length);

  int32_t status = 0;
  if (!ReadAll(g_status_read, &status, sizeof status)) {
    // The target died on this input without reporting (a stack overflow, a FailFast, the OOM killer):
    // a crash like any other, so that libFuzzer saves the input.
    ReportChildDeath();
    g_child = -1;
    __builtin_trap();
  }

  std::memcpy(extra_counters, g_shm, kMapSize);
  if (status != 0) __builtin_trap();  // libFuzzer reports a crash and saves the input
  return 0;
}
