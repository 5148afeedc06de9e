using System.Buffers.Binary;
using System.Text;

namespace SparseAe.Mat.Tests;

/// <summary>
/// Level-5 structures that neither the fixtures nor the writer hold (subsystem data, complex arrays, names padded
/// with NULs or stored as miUINT8, narrower storage types, small-format and empty sub-elements), built element by
/// element, little-endian, after the layout at the top of Level5Reader.cs.
/// </summary>
public class Level5ReaderTests
{
    private const uint MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiInt32 = 5, MiUInt32 = 6, MiDouble = 9, MiMatrix = 14, MiCompressed = 15, MiUtf8 = 16;
    private const uint ClassDouble = 6, ClassInt8 = 8, ClassUInt8 = 9, ClassInt16 = 10, LogicalFlag = 0x0200, ComplexFlag = 0x0800;

    /// <summary>The writer's 128-byte header, with <paramref name="subsystemOffset"/> in bytes 116-123.</summary>
    private static byte[] Header(ulong subsystemOffset = 0)
    {
        var header = MatBytes.Written([]);
        Assert.Equal(128, header.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(116), subsystemOffset);
        return header;
    }

    /// <summary>A data element: tag, data, zero padding to a multiple of 8.</summary>
    private static byte[] Element(uint type, params byte[] data) =>
        [.. Tag(type, (uint)data.Length), .. data, .. new byte[(8 - data.Length % 8) % 8]];

    private static byte[] Tag(uint type, uint byteCount)
    {
        var tag = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(tag, type);
        BinaryPrimitives.WriteUInt32LittleEndian(tag.AsSpan(4), byteCount);
        return tag;
    }

    /// <summary>A small-format element: byte count in the upper 16 bits of the first word, the data in the second.</summary>
    private static byte[] Small(uint type, uint byteCount, params byte[] data)
    {
        var element = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(element, (byteCount << 16) | type);
        data.CopyTo(element, 4);
        return element;
    }

    private static byte[] Flags(uint flags)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(data, flags);
        return Element(MiUInt32, data);
    }

    private static byte[] Dims(params int[] dimensions)
    {
        var data = new byte[4 * dimensions.Length];
        for (int k = 0; k < dimensions.Length; k++) BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * k), dimensions[k]);
        return Element(MiInt32, data);
    }

    private static byte[] Name(string name) => Element(MiInt8, Encoding.ASCII.GetBytes(name));

    private static byte[] Doubles(params double[] values) =>
        Element(MiDouble, values.SelectMany(v => BitConverter.GetBytes(v)).ToArray());

    private static byte[] Matrix(params byte[][] subElements) => Element(MiMatrix, subElements.SelectMany(e => e).ToArray());

    private static byte[] Scalar(string name, double value) => Matrix(Flags(ClassDouble), Dims(1, 1), Name(name), Doubles(value));

    /// <summary>A miCOMPRESSED element holding <paramref name="inflated"/>, unpadded as MATLAB writes it.</summary>
    private static byte[] Compressed(byte[] inflated)
    {
        var deflated = MatBytes.Deflated(inflated);
        return [.. Tag(MiCompressed, (uint)deflated.Length), .. deflated];
    }

    private static byte[] File(params byte[][] elements) => [.. Header(), .. elements.SelectMany(e => e)];

    private static MatFile Read(byte[] file) => MatFile.Read(new MemoryStream(file));

    // The logical flag (0x200) makes a uint8 array logical, as MATLAB stores logicals; on a double array it is no class.
    [Fact]
    public void The_logical_flag_makes_only_a_uint8_array_logical()
    {
        var x = Read(File(Matrix(Flags(ClassDouble | 0x200), Dims(1, 1), Name("x"), Doubles(2.5))))["x"];
        Assert.Equal(MatClass.Double, x.Class);
        Assert.Equal([2.5], x.ToDoubleArray());
    }

    // A top-level miMATRIX whose byte count is no multiple of 8 (its last sub-element unpadded) is followed by padding to
    // the next 8: the next variable's tag starts after it.
    [Fact]
    public void The_padding_after_a_top_level_matrix_of_an_odd_length_is_skipped()
    {
        byte[] content = [.. Flags(ClassDouble), .. Dims(1, 1), .. Name("a"), .. Tag(MiDouble, 8), .. BitConverter.GetBytes(1.5), .. Tag(MiInt8, 4), 1, 2, 3, 4];
        Assert.NotEqual(0, content.Length % 8);
        var file = Read(File([.. Tag(MiMatrix, (uint)content.Length), .. content, .. new byte[(8 - content.Length % 8) % 8]], Scalar("b", 2)));
        Assert.Equal(["a", "b"], file.Variables.Select(v => v.Name));
        Assert.Equal([2.0], file["b"].ToDoubleArray());
    }

    private static string Refusal(byte[] file) => Assert.Throws<InvalidDataException>(() => Read(file)).Message;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_subsystem_element_the_header_points_at_is_not_listed_as_a_variable(bool compress)
    {
        // MATLAB keeps the data of string, table and other objects in an unnamed uint8 element; bytes 116-123 give its offset.
        byte[] x = Scalar("x", 1), y = Scalar("y", 2);
        byte[] subsystem = Matrix(Flags(ClassUInt8), Dims(1, 8), Name(""), Element(MiUInt8, [1, 2, 3, 4, 5, 6, 7, 8]));
        if (compress) subsystem = Compressed(subsystem);
        byte[] file = [.. Header(subsystemOffset: (ulong)(128 + x.Length)), .. x, .. subsystem, .. y];
        Assert.Equal(["x", "y"], Read(file).Variables.Select(v => v.Name));
        // Without the offset, the same element is an (unnamed) variable.
        Assert.Equal(["x", "", "y"], Read([.. Header(), .. file.AsSpan(128)]).Variables.Select(v => v.Name));
    }

    [Fact]
    public void A_file_that_ends_inside_a_tag_is_refused_saying_so()
    {
        byte[] x = Scalar("x", 1);
        Assert.Equal($"The file ends 3 bytes into a data element tag, which needs 8 bytes (at byte offset {128 + x.Length}).",
            Refusal(File(x, [(byte)MiMatrix, 0, 0])));
    }

    [Fact]
    public void A_compressed_element_that_inflates_to_a_small_format_element_is_refused_naming_it()
    {
        // Its 4 data bytes are not zero: they are no byte count either.
        var message = Refusal(File(Compressed(Small(MiMatrix, 4, 1, 0, 0, 0))));
        Assert.Equal("A miCOMPRESSED element must inflate to a miMATRIX (14) element, but this one holds a small-format miMATRIX (14) " +
            "(at byte offset 0 of the data inflated from the miCOMPRESSED element at byte offset 128).", message);
    }

    [Fact]
    public void A_compressed_element_that_inflates_to_less_than_a_tag_is_refused_with_the_count()
    {
        Assert.Equal("The zlib data of the miCOMPRESSED element at byte offset 128 inflates to only 3 bytes, fewer than the 8 of the element tag it must hold.",
            Refusal(File(Compressed([(byte)MiMatrix, 0, 0]))));
    }

    [Fact]
    public void A_compressed_element_one_byte_short_of_its_claim_is_refused()
    {
        byte[] inner = Scalar("x", 1);
        BinaryPrimitives.WriteUInt32LittleEndian(inner.AsSpan(4), (uint)inner.Length - 8 + 1);
        Assert.Contains($"ends after {inner.Length} inflated bytes, but the element inside claims {inner.Length + 1} bytes (tag included)",
            Refusal(File(Compressed(inner))));
    }

    [Fact]
    public void Up_to_7_bytes_after_a_compressed_element_are_padding_and_8_are_too_many()
    {
        byte[] inner = Scalar("x", 1);
        Assert.Equal(1.0, Read(File(Compressed([.. inner, .. new byte[7]])))["x"].GetValue(0, 0));
        Assert.Contains($"inflates to more than the {inner.Length} bytes its element claims (tag included)",
            Refusal(File(Compressed([.. inner, .. new byte[8]]))));
    }

    [Fact]
    public void A_compressed_claim_is_refused_from_one_byte_past_what_deflate_can_produce()
    {
        // Deflate gives at most 1032 bytes a compressed byte: a claim of exactly that passes the check (and fails
        // for want of data), one more is refused before anything is inflated.
        foreach (int beyond in new[] { 0, 1 })
        {
            byte[] element = [];
            int compressedLength = 16;
            for (int attempt = 0; attempt < 10; attempt++)
            {
                element = Compressed(Tag(MiMatrix, (uint)(compressedLength * 1032 + beyond - 8)));
                if (element.Length - 8 == compressedLength) break;
                compressedLength = element.Length - 8;
            }
            Assert.Equal(compressedLength, element.Length - 8);
            var message = Refusal(File(element));
            long claim = compressedLength * 1032L + beyond;
            if (beyond == 0) Assert.Contains($"ends after 8 inflated bytes, but the element inside claims {claim} bytes", message);
            else Assert.Contains($"claims {claim} bytes, but {compressedLength} compressed bytes can inflate to at most {claim - 1}.", message);
        }
    }

    [Fact]
    public void A_compressed_claim_larger_than_one_buffer_is_refused_as_such()
    {
        // 2.2 MB of incompressible data could inflate to 2.2 GB, so only the buffer limit stops a 2 GB claim.
        var noise = new byte[2_200_000];
        new Random(7).NextBytes(noise);
        byte[] file = File(Compressed([.. Tag(MiMatrix, 0x8000_0000), .. noise]));
        Assert.Contains($"claims 2147483656 bytes, more than the {Array.MaxLength} one buffer can hold", Refusal(file));
    }

    [Fact]
    public void An_empty_matrix_element_is_refused_as_one()
    {
        Assert.Equal("miMATRIX element is empty, but a variable needs at least array flags, dimensions and a name (at byte offset 128).",
            Refusal(File(Element(MiMatrix))));
    }

    [Fact]
    public void Array_flags_of_4_bytes_are_refused()
    {
        byte[] matrix = Matrix(Small(MiUInt32, 4, (byte)ClassDouble, 0, 0, 0), Dims(1, 1), Name("x"), Doubles(1));
        Assert.Equal("Array-flags sub-element has type miUINT32 (6) and 4 bytes, but must be miUINT32 (6) with 8 bytes (at byte offset 136).",
            Refusal(File(matrix)));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(18u)]
    public void A_class_code_outside_1_to_17_is_refused_naming_it(uint classCode)
    {
        byte[] matrix = Matrix(Flags(classCode), Dims(1, 1), Name("x"), Element(MiUInt8, 1));
        Assert.Equal($"Array flags give class code {classCode}, but MATLAB classes are numbered 1 to 17 (at byte offset 136).", Refusal(File(matrix)));
    }

    [Fact]
    public void A_complex_array_is_listed_as_complex_and_not_read_as_its_real_part()
    {
        byte[] matrix = Matrix(Flags(ClassDouble | ComplexFlag), Dims(1, 2), Name("z"), Doubles(1, 2), Doubles(3, 4));
        var z = Read(File(matrix))["z"];
        Assert.True(z.IsComplex);
        Assert.False(z.IsNumeric);
        Assert.Equal("z: complex double [1x2]", z.ToString());
        Assert.Contains("a complex double array", Assert.Throws<InvalidOperationException>(() => z.ToDoubleArray()).Message);
    }

    [Fact]
    public void A_dimensions_element_without_a_dimension_is_refused()
    {
        byte[] matrix = Matrix(Flags(ClassDouble), Element(MiInt32), Name("x"), Doubles(1));
        Assert.Equal("Dimensions sub-element has type miINT32 (5) and 0 bytes, but must be miINT32 (5) with 4 bytes per dimension " +
            "and at least one dimension (at byte offset 152).", Refusal(File(matrix)));
    }

    [Fact]
    public void A_negative_dimension_is_refused_naming_it()
    {
        byte[] matrix = Matrix(Flags(ClassDouble), Dims(2, -1), Name("x"), Doubles(1));
        Assert.Equal("Dimension 1 is -1, but dimensions cannot be negative (at byte offset 152).", Refusal(File(matrix)));
    }

    [Fact]
    public void Dimensions_whose_product_overflows_are_refused_not_wrapped_to_the_element_count()
    {
        // 65536^4 = 2^64 wraps to 0, which an empty real part would match.
        byte[] matrix = Matrix(Flags(ClassDouble), Dims(65536, 65536, 65536, 65536), Name("x"), Element(MiDouble));
        Assert.Contains($"has dimensions [65536, 65536, 65536, 65536] and so {long.MaxValue} elements, but its real part holds 0", Refusal(File(matrix)));
    }

    [Theory]
    [InlineData(MiInt8)]
    [InlineData(MiUInt8)]
    [InlineData(MiUtf8)]
    public void A_name_of_any_byte_type_is_read_without_its_NUL_padding(uint type)
    {
        byte[] matrix = Matrix(Flags(ClassDouble), Dims(1, 1), Element(type, [(byte)'a', (byte)'b', 0, 0, 0]), Doubles(5));
        Assert.Equal(5.0, Read(File(matrix))["ab"].GetValue(0, 0));
    }

    [Fact]
    public void A_small_format_element_claiming_more_than_4_bytes_is_refused()
    {
        byte[] matrix = Matrix(Flags(ClassDouble), Dims(1, 1), Small(MiInt8, 5, (byte)'x'), Doubles(1));
        Assert.Equal("Small-format array-name sub-element claims 5 bytes, but a small element holds at most 4 (at byte offset 168).", Refusal(File(matrix)));
    }

    [Fact]
    public void A_real_part_that_is_not_whole_elements_is_refused()
    {
        // 7 bytes of miINT16: three elements and half of a fourth.
        byte[] matrix = Matrix(Flags(ClassInt16), Dims(1, 3), Name("k"), Element(MiInt16, 1, 0, 2, 0, 3, 0, 4));
        Assert.Equal("Real part of variable 'k' has 7 bytes, not a multiple of the 2-byte miINT16 (3) elements (at byte offset 184).", Refusal(File(matrix)));
    }

    [Fact]
    public void A_logical_stored_in_a_signed_type_is_true_wherever_the_value_is_not_zero()
    {
        byte[] matrix = Matrix(Flags(ClassUInt8 | LogicalFlag), Dims(1, 4), Name("L"), Element(MiInt8, 0xFF, 0, 2, 0x80));
        Assert.Equal([true, false, true, true], (bool[])Read(File(matrix))["L"].GetColumnMajorData());
    }

    [Fact]
    public void Values_stored_wider_than_their_class_saturate_rather_than_wrap()
    {
        byte[] int8 = Matrix(Flags(ClassInt8), Dims(1, 3), Name("a"), Element(MiInt16, 0x2C, 0x01, 0xD4, 0xFE, 0x05, 0x00));   // 300, -300, 5
        byte[] uint8 = Matrix(Flags(ClassUInt8), Dims(1, 3), Name("b"), Doubles(300, -1, 7.0));
        var mat = Read(File(int8, uint8));
        Assert.Equal(new sbyte[] { 127, -128, 5 }, (sbyte[])mat["a"].GetColumnMajorData());
        Assert.Equal(new byte[] { 255, 0, 7 }, (byte[])mat["b"].GetColumnMajorData());
    }

    [Fact]
    public void A_double_array_stored_as_int8_keeps_its_negative_values()
    {
        // MATLAB saves a double array of small integers in the narrowest type that holds them.
        byte[] matrix = Matrix(Flags(ClassDouble), Dims(1, 3), Name("d"), Element(MiInt8, 0xFF, 0x80, 0x7F));
        Assert.Equal([-1.0, -128, 127], Read(File(matrix))["d"].ToDoubleArray());
    }

    [Fact]
    public void Utf32_text_decodes_an_invalid_code_point_as_the_replacement_character()
    {
        const uint ClassChar = 4, MiUtf32 = 18;
        // 'h', a lone surrogate, and U+1F600, which is two UTF-16 code units (MATLAB's chars): 4 chars in all.
        byte[] codePoints = [(byte)'h', 0, 0, 0, 0x00, 0xD8, 0, 0, 0x00, 0xF6, 0x01, 0];
        byte[] matrix = Matrix(Flags(ClassChar), Dims(1, 4), Name("t"), Element(MiUtf32, codePoints));
        Assert.Equal("h\uFFFD\U0001F600", new string((char[])Read(File(matrix))["t"].GetColumnMajorData()));
    }
}
