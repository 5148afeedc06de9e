using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace SparseAe.Data.Images;

/// <summary>
/// Olshausen and Field's whitening of a natural image, as they made the <c>IMAGES.mat</c> that UFLDL's
/// sparse-autoencoder exercise samples from: flatten the roughly 1/f amplitude spectrum and roll off
/// the highest frequencies, where the noise and the pixel grid's anisotropy live.
/// </summary>
/// <remarks>
/// <para>For an N x N image (B. A. Olshausen and D. J. Field, "Sparse coding with an overcomplete basis
/// set: a strategy employed by V1?", Vision Research 37(23), 1997; their "make your own images" code
/// in the sparsenet package):</para>
/// <code>
/// [fx fy] = meshgrid(-N/2:N/2-1, -N/2:N/2-1);  rho = sqrt(fx.^2 + fy.^2);  f0 = 0.4*N;
/// filt = rho .* exp(-(rho/f0).^4);
/// imagew = real(ifft2(fft2(image) .* fftshift(filt)));
/// IMAGES = sqrt(0.1) * IMAGES / sqrt(mean(var(IMAGES)));
/// </code>
/// <para>Here: subtract the mean, X = FFT2(image), multiply X by R(f) = f exp(-(f/f0)^4) with f0 = 0.4 N,
/// keep the real part of the inverse FFT, and scale it to variance 0.1. The FFT bin k (0..n-1) of a
/// length-n axis has the integer frequency k for k &lt; (n+1)/2 and k - n above (so -n/2..n/2-1 for
/// even n, exactly Olshausen's fftshift of meshgrid; for odd n the symmetric -(n-1)/2..(n-1)/2).</para>
/// <para>Non-square W x H images (a choice of ours; Olshausen's images were square): N = min(W, H), and a
/// bin (kx, ky) has fx = kx N / W, fy = ky N / H, i.e. frequencies are measured in cycles per N pixels on
/// both axes. A given physical frequency is then filtered the same way whatever the image's aspect, and
/// a square image gets Olshausen's filter exactly.</para>
/// <para>Differences from IMAGES.mat: the variance is scaled per image, not by the mean variance of the
/// set (with similar images the two agree closely), and it is the population variance (divide by W H),
/// not MATLAB's n-1 one. A constant image (no variance to whiten) returns all zeros, not NaN.</para>
/// </remarks>
public static class OlshausenWhitening
{
    /// <summary>The output variance, as in IMAGES.mat.</summary>
    public const double TargetVariance = 0.1;

    /// <summary>The roll-off frequency as a fraction of N: f0 = 0.4 N.</summary>
    public const double RollOffFraction = 0.4;

    /// <summary>
    /// Returns the whitened image (same size, named "NAME (whitened)"): mean 0, variance
    /// <see cref="TargetVariance"/>, or all zeros for a constant image. The input is not changed.
    /// </summary>
    /// <exception cref="ArgumentException">A pixel is NaN or infinite (the message gives its x and y).</exception>
    /// <param name="image">The image to whiten: not null, and every pixel must be finite.</param>
    public static GreyImage Whiten(GreyImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height;
        float[] source = image.Pixels;
        string name = $"{image.Name} (whitened)";
        var output = new float[source.Length];

        int bad = Array.FindIndex(source, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException(
                $"Image '{image.Name}' holds {source[bad]} at x = {bad % w}, y = {bad / w}; every pixel must be finite to whiten it.", nameof(image));

        // A constant image has nothing but DC, which the filter removes; return zeros explicitly rather
        // than scaling FFT round-off up to variance 0.1.
        if (IsConstant(source)) return new GreyImage(w, h, output, name);

        double mean = 0;
        foreach (float v in source) mean += v;
        mean /= source.Length;

        var spectrum = new Complex[source.Length];
        for (int i = 0; i < source.Length; i++) spectrum[i] = new Complex(source[i] - mean, 0);

        Transform2D(spectrum, w, h, inverse: false);
        double n = Math.Min(w, h);
        for (int ky = 0; ky < h; ky++)
        {
            double fy = SignedFrequency(ky, h) * n / h;
            for (int kx = 0; kx < w; kx++)
            {
                double fx = SignedFrequency(kx, w) * n / w;
                spectrum[ky * w + kx] *= Response(Math.Sqrt(fx * fx + fy * fy), n);
            }
        }
        Transform2D(spectrum, w, h, inverse: true);

        double sum = 0, sumSquares = 0;
        foreach (Complex c in spectrum) { sum += c.Real; sumSquares += c.Real * c.Real; }
        double outMean = sum / spectrum.Length;
        double variance = sumSquares / spectrum.Length - outMean * outMean;
        if (!(variance > 0) || !double.IsFinite(variance)) return new GreyImage(w, h, output, name);

        // The filter zeroes DC, so outMean is round-off; removing it anyway makes the mean exactly ~0.
        double scale = Math.Sqrt(TargetVariance / variance);
        for (int i = 0; i < output.Length; i++) output[i] = (float)((spectrum[i].Real - outMean) * scale);
        return new GreyImage(w, h, output, name);
    }

    /// <summary>
    /// The filter's gain at radial frequency <paramref name="f"/> (cycles per N pixels) for an image whose
    /// shorter side is <paramref name="n"/>: R(f) = f exp(-(f / f0)^4), f0 = 0.4 n.
    /// </summary>
    public static double Response(double f, double n)
    {
        double ratio = f / (RollOffFraction * n);
        return f * Math.Exp(-(ratio * ratio * ratio * ratio));
    }

    /// <summary>
    /// In-place 2-D DFT of row-major (H, W) data as 1-D transforms of every row, then every column (the
    /// 2-D DFT is separable). MathNet.Numerics 5.0.0 has Fourier.Forward2D, but its managed provider
    /// throws NotSupportedException for multi-dimensional transforms, so the 1-D Fourier.Forward and
    /// Inverse (any length: Bluestein's algorithm when not a power of two) are used. Matlab convention:
    /// no scaling forward, 1/n per axis back, so inverse(forward(x)) = x as with fft2/ifft2.
    /// </summary>
    private static void Transform2D(Complex[] data, int w, int h, bool inverse)
    {
        var row = new Complex[w];
        for (int y = 0; y < h; y++)
        {
            data.AsSpan(y * w, w).CopyTo(row);
            Transform1D(row, inverse);
            row.CopyTo(data.AsSpan(y * w, w));
        }
        var column = new Complex[h];
        for (int x = 0; x < w; x++)
        {
            for (int y = 0; y < h; y++) column[y] = data[y * w + x];
            Transform1D(column, inverse);
            for (int y = 0; y < h; y++) data[y * w + x] = column[y];
        }
    }

    private static void Transform1D(Complex[] samples, bool inverse)
    {
        if (samples.Length == 1) return;   // the DFT of one sample is itself
        if (inverse) Fourier.Inverse(samples, FourierOptions.Matlab);
        else Fourier.Forward(samples, FourierOptions.Matlab);
    }

    /// <summary>The integer frequency of FFT bin k on an axis of length n: k below (n+1)/2, k - n from there.</summary>
    internal static int SignedFrequency(int k, int n) => k < (n + 1) / 2 ? k : k - n;

    private static bool IsConstant(float[] values)
    {
        float first = values[0];
        foreach (float v in values)
            if (v != first) return false;
        return true;
    }
}
