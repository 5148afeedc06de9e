namespace SparseAe.Data.Idx;

/// <summary>
/// The element type of an IDX file: the third byte of its magic number (Y. LeCun, C. Cortes and
/// C. J. C. Burges, "The MNIST database of handwritten digits", file-format section). Every multi-byte
/// value is stored big-endian.
/// </summary>
public enum IdxDataType : byte
{
    /// <summary>0x08: unsigned byte (MNIST and Fashion-MNIST images and labels).</summary>
    UnsignedByte = 0x08,

    /// <summary>0x09: signed byte.</summary>
    SignedByte = 0x09,

    /// <summary>0x0B: 16-bit signed integer.</summary>
    Int16 = 0x0B,

    /// <summary>0x0C: 32-bit signed integer.</summary>
    Int32 = 0x0C,

    /// <summary>0x0D: 32-bit IEEE float.</summary>
    Single = 0x0D,

    /// <summary>0x0E: 64-bit IEEE float (narrowed to float on reading).</summary>
    Double = 0x0E,
}
