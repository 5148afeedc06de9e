using System.Globalization;

namespace SparseAe.GaoReference;

/// <summary>
/// `gradcheck`: compares the analytic gradient of L_main + L_aux with central finite differences on a
/// small random problem (V = 6, 24 latents, k = 2, aux_k = 4, 8 rows, dead window 1 row so that every
/// latent that did not fire in the batch is dead). The AuxK target e is held at its value for the
/// unperturbed parameters, since the loss treats it as a constant. The TopK and aux selections do not
/// change under the tiny perturbations, so the loss is smooth there.
/// </summary>
public static class GradCheck
{
    public static int Run()
    {
        const int V = 6, L = 24, K = 2, B = 8;
        var rng = new Random(3);
        var rows = new double[B][];
        for (int b = 0; b < B; b++) { rows[b] = new double[V]; for (int i = 0; i < V; i++) rows[b][i] = TopKSae.Gaussian(rng); }
        var model = new TopKSae(V, L, K);
        var preBias = new double[V];
        for (int i = 0; i < V; i++) preBias[i] = 0.3 * TopKSae.Gaussian(rng);
        model.Initialise(rng, preBias);
        // Move away from the tied start so that encoder and decoder gradients differ.
        for (int i = 0; i < model.WEnc.Length; i++) model.WEnc[i] += 0.2 * TopKSae.Gaussian(rng);
        for (int j = 0; j < L; j++) model.BEnc[j] = 0.2 * TopKSae.Gaussian(rng);

        var s = new TrainSettings(L, K, AuxK: 4, DeadWindowRows: 1, Epochs: 1, BatchSize: B,
            LearningRate: 1e-3, Seed: 3, PreBiasInit: "mean");
        var t = new Trainer(model, s);
        int[] batch = Enumerable.Range(0, B).ToArray();
        const double s2 = 0.7;
        var (lm, la, e) = t.LossAndGradients(rows, batch, s2, null);
        var frozen = (double[])e.Clone();
        var analytic = t.Gradients.Select(g => (double[])g.Clone()).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gradcheck: L_main={lm:F6} L_aux={la:F6} dead latents={t.DeadByWindow} of {L}"));

        string[] names = ["W_enc", "b_enc", "W_dec", "b_pre"];
        const double h = 1e-6;
        double worst = 0;
        for (int a = 0; a < names.Length; a++)
        {
            double[] p = t.Parameters[a];
            double maxErr = 0, maxGrad = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double keep = p[i];
                p[i] = keep + h; var (m1, a1, _) = t.LossAndGradients(rows, batch, s2, frozen);
                p[i] = keep - h; var (m2, a2, _) = t.LossAndGradients(rows, batch, s2, frozen);
                p[i] = keep;
                double numeric = (m1 + a1 - m2 - a2) / (2 * h);
                maxErr = Math.Max(maxErr, Math.Abs(numeric - analytic[a][i]));
                maxGrad = Math.Max(maxGrad, Math.Abs(analytic[a][i]));
            }
            double rel = maxErr / Math.Max(maxGrad, 1e-12);
            worst = Math.Max(worst, rel);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {names[a],-5}: max |analytic - numeric| = {maxErr:E2}, max |gradient| = {maxGrad:E2}, ratio {rel:E2}"));
        }
        bool ok = worst < 1e-6 && la > 0;
        Console.WriteLine(ok ? "gradcheck: ok" : "gradcheck: FAILED");
        return ok ? 0 : 1;
    }
}
