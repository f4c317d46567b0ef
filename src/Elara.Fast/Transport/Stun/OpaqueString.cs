using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Elara.Fast.Transport.Stun;

/// <summary>
/// The PRECIS OpaqueString profile (RFC 8265 §4.2), which RFC 8489 applies to STUN passwords and realms before
/// they are keyed: non-ASCII spaces become U+0020, the result is normalised to NFC, and it must be a non-empty
/// string of the FreeformClass (RFC 8264 §4.3).
/// </summary>
/// <remarks>
/// The FreeformClass check here is the derivation of RFC 8264 §9 on .NET's Unicode data: unassigned code points,
/// controls, private use, unpaired surrogates, format characters (ZWJ and ZWNJ excepted, which
/// PRECIS allows in context) and old Hangul jamo are refused; letters, digits, marks, spaces, symbols and
/// punctuation pass. ASCII printable text is unchanged, so every credential coturn accepts keys as before.
/// NFC comes from the runtime's Unicode data (ICU on Linux): a host running with invariant globalization gets
/// non-ASCII text back unnormalised from .NET, so there a decomposed password is keyed as given.
/// </remarks>
public static class OpaqueString
{
    /// <summary>Applies the profile; false when <paramref name="value"/> is empty or holds a disallowed code point.</summary>
    /// <param name="value">The string as configured or received.</param>
    /// <param name="prepared">The prepared string, when true.</param>
    /// <returns>Whether the string is valid under the profile.</returns>
    public static bool TryPrepare(string value, [NotNullWhen(true)] out string? prepared)
    {
        ArgumentNullException.ThrowIfNull(value);
        prepared = null;
        if (value.Length == 0)
        {
            return false;
        }

        var mapped = MapSpaces(value);
        if (!IsWellFormed(mapped))
        {
            return false;   // an unpaired surrogate (and Normalize would throw on it)
        }

        if (!mapped.IsNormalized(NormalizationForm.FormC))
        {
            mapped = mapped.Normalize(NormalizationForm.FormC);
        }

        foreach (var rune in mapped.EnumerateRunes())
        {
            if (!IsFreeform(rune))
            {
                return false;
            }
        }

        prepared = mapped;
        return true;
    }

    /// <summary>Applies the profile, or throws when the string is not valid under it.</summary>
    /// <param name="value">The string as configured.</param>
    /// <param name="parameterName">Named in the exception.</param>
    /// <returns>The prepared string.</returns>
    /// <exception cref="ArgumentException">Empty, or holds a control, unassigned, private-use or other disallowed code point.</exception>
    public static string Prepare(string value, string parameterName)
    {
        if (!TryPrepare(value, out var prepared))
        {
            throw new ArgumentException(
                "Not a valid OpaqueString (RFC 8265): empty, or a control, unassigned, private-use or ignorable code point.",
                parameterName);
        }

        return prepared;
    }

    private static string MapSpaces(string value)
    {
        var builder = default(StringBuilder);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c > 0x7F && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator)
            {
                builder ??= new StringBuilder(value, 0, i, value.Length);
                builder.Append(' ');
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? value;
    }

    private static bool IsFreeform(Rune rune)
    {
        var value = rune.Value;
        if (value is >= 0x20 and <= 0x7E)
        {
            return true;
        }

        if (value is 0x200C or 0x200D)
        {
            // ZWNJ / ZWJ: CONTEXTJ in PRECIS; allowed rather than refusing a password a user can type.
            return true;
        }

        if (value is (>= 0x1100 and <= 0x11FF) or (>= 0xA960 and <= 0xA97F) or (>= 0xD7B0 and <= 0xD7FF))
        {
            return false;   // old Hangul jamo
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.PrivateUse
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }

    private static bool IsWellFormed(string value)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            rest = rest[consumed..];
        }

        return true;
    }
}
