using SparseAe.Persistence;
using Xunit;

namespace SparseAe.Core.Tests;

public class GrowingReadTests
{
    // The most GrowingRead.Bytes holds at once, worked by hand from its steps: a buffer of 64 KiB (or the count, if
    // smaller) that doubles, capped at the count, each resize holding the old buffer and the new one.
    [Theory]
    [InlineData(1_000L, false, 1_000L)]                               // one read into a buffer of the count
    [InlineData(65_536L, false, 65_536L)]
    [InlineData(196_608L, false, 131_072L + 196_608L)]                // 64 Ki -> 128 Ki -> 192 Ki
    [InlineData(262_144L, false, 131_072L + 262_144L)]                // 64 Ki -> 128 Ki -> 256 Ki
    [InlineData(40_000_000L, false, 33_554_432L + 40_000_000L)]       // 5,000,000 doubles: the last doubling from 32 MiB
    [InlineData(40_000_000L, true, 40_000_000L)]                      // a length the stream vouches for: one buffer
    public void The_peak_is_the_last_resize_s_old_buffer_and_new_one(long count, bool lengthKnown, long peak)
        => Assert.Equal(peak, GrowingRead.PeakBytes(count, lengthKnown));

    // Bytes reads at most Array.MaxLength; past it the steps stop there (they had looped for ever, the buffer never
    // reaching the count).
    [Fact]
    public void A_count_past_one_array_ends_at_the_cap()
        => Assert.Equal(1_073_741_824L + Array.MaxLength, GrowingRead.PeakBytes(3L * int.MaxValue, lengthKnown: false));
}
