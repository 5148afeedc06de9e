namespace SparseAe.Mat;

/// <summary>The on-disk flavour of a MAT file.</summary>
public enum MatFileFormat
{
    /// <summary>MATLAB 4 and earlier: a bare sequence of matrices, no file header.</summary>
    Level4,

    /// <summary>MATLAB 5 to 7.x ("-v6", "-v7"): 128-byte header, tagged data elements, optional zlib.</summary>
    Level5,

    /// <summary>MATLAB 7.3 ("-v7.3"): an HDF5 file behind a 512-byte MATLAB user block.</summary>
    Hdf5,
}
