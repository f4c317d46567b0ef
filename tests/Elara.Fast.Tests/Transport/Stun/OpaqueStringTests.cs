using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Tests.Transport.Stun;

/// <summary>The PRECIS OpaqueString profile (RFC 8265 §4.2) applied to STUN passwords and realms.</summary>
public sealed class OpaqueStringTests
{
    [Fact]
    public void Printable_ascii_is_unchanged()
    {
        Gen.String[Gen.Char[' ', '~'], 1, 40].Sample(text =>
        {
            Assert.True(OpaqueString.TryPrepare(text, out var prepared));
            Assert.Equal(text, prepared);
        });
    }

    [Theory]
    [InlineData("pass\u00A0word", "pass word")]     // NO-BREAK SPACE
    [InlineData("pass\u3000word", "pass word")]     // IDEOGRAPHIC SPACE
    [InlineData("caf\u0065\u0301", "caf\u00E9")]    // e + COMBINING ACUTE → é (NFC)
    [InlineData("\u212B", "\u00C5")]                // ANGSTROM SIGN → Å (NFC)
    [InlineData("マトリックス", "マトリックス")]
    [InlineData("zwj\u200Dok", "zwj\u200Dok")]
    [InlineData("🎉party", "🎉party")]
    public void Spaces_map_to_ascii_space_and_text_is_normalised_to_nfc(string value, string expected)
    {
        Assert.True(OpaqueString.TryPrepare(value, out var prepared));
        Assert.Equal(expected, prepared);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bell\u0007")]          // control
    [InlineData("tab\tbed")]            // control
    [InlineData("\u0378")]              // unassigned
    [InlineData("\uE000secret")]        // private use
    [InlineData("soft\u00ADhyphen")]    // format (default ignorable)
    [InlineData("\u1100old")]           // old Hangul jamo
    [InlineData("line\u2028break")]     // line separator
    public void Disallowed_code_points_are_refused_with_a_clear_error(string value)
    {
        Assert.False(OpaqueString.TryPrepare(value, out _));
        var error = Assert.Throws<ArgumentException>(() => OpaqueString.Prepare(value, "password"));
        Assert.Equal("password", error.ParamName);
        Assert.Throws<ArgumentException>(() => StunIntegrity.ShortTermKey(value));
        Assert.False(StunIntegrity.TryDeriveLongTermKey("user", "realm", value, new byte[16]));
        Assert.False(StunIntegrity.TryDeriveLongTermKey("user", value, "pass", new byte[16]));
    }

    [Fact]
    public void An_unpaired_surrogate_is_refused()
    {
        // Built here: theory data would be serialised, and a lone surrogate does not survive that.
        var value = new string(['a', (char)0xD800, 'b']);

        Assert.False(OpaqueString.TryPrepare(value, out _));
        Assert.Throws<ArgumentException>(() => StunIntegrity.ShortTermKey(value));
    }

    [Fact]
    public void The_long_term_key_hashes_the_prepared_realm_and_password()
    {
        Span<byte> decomposed = stackalloc byte[16];
        StunIntegrity.DeriveLongTermKey("user", "r\u00A0ealm", "caf\u0065\u0301", decomposed);

#pragma warning disable CA5351 // the key RFC 8489 §9.2.2 specifies
        var expected = MD5.HashData(Encoding.UTF8.GetBytes("user:r ealm:caf\u00E9"));
#pragma warning restore CA5351
        Assert.Equal(expected, decomposed.ToArray());
        Assert.Equal(Encoding.UTF8.GetBytes("caf\u00E9"), StunIntegrity.ShortTermKey("caf\u0065\u0301"));
    }

    [Fact]
    public void Any_string_is_either_refused_or_prepared_to_a_fixed_point()
    {
        // Idempotence (RFC 8264 §7): preparing a prepared string changes nothing; nothing throws.
        Gen.String[Gen.Char, 0, 24].Sample(text =>
        {
            if (OpaqueString.TryPrepare(text, out var prepared))
            {
                Assert.True(OpaqueString.TryPrepare(prepared, out var again));
                Assert.Equal(prepared, again);
            }
        });
    }
}
