//! Byte classes of ASCII text, eight bytes at a time in one `u64` (SIMD within a register).
//!
//! The per-line counts of the heuristics and the word split of the stoplists look at every
//! byte of a document; judged one byte at a time they cost a branch or a table lookup each.
//! Here eight bytes are judged with a few additions, and the answers are gathered into a bit
//! mask (bit `i` for byte `i`) that popcounts and shifts then read whole.
//!
//! The tests assume ASCII: each byte below 0x80, so that no sum carries into the next byte
//! (clear the high bits first, `x & !HIGH`, to test other text).

/// ASCII white space as `char::is_whitespace` sees it: space and `\t \n \x0b \x0c \r` (9 to
/// 13). `u8::is_ascii_whitespace` leaves out the vertical tab. Written without branches, so
/// that loops over bytes vectorise.
pub(crate) const fn is_ascii_space(b: u8) -> bool {
    (b == b' ') | (b.wrapping_sub(b'\t') < 5)
}
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
pub(crate) const HIGH: u64 = ONES * 0x80;

/// Up to eight bytes as one `u64`, byte `i` in bits `8i..8i + 8`; missing bytes are 0.
pub(crate) fn load(chunk: &[u8]) -> u64 {
    debug_assert!(chunk.len() <= 8);
    match <[u8; 8]>::try_from(chunk) {
        Ok(bytes) => u64::from_le_bytes(bytes),
        // A line's last few bytes: shifted in one by one, cheaper than a call to copy them.
        Err(_) => chunk.iter().rev().fold(0, |x, &b| x << 8 | u64::from(b)),
    }
}

/// High bit of each byte of `x`: set when that byte lies in `lo..hi` (both at most 0x80).
pub(crate) const fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    (x + ONES * (0x80 - lo as u64)) & !(x + ONES * (0x80 - hi as u64)) & HIGH
}

/// High bit of each byte of `x`: set when that byte is `byte`.
pub(crate) const fn equal(x: u64, byte: u8) -> u64 {
    // A byte of the difference is zero only where they are equal; adding 0x7F to any other
    // sets its high bit.
    !((x ^ (ONES * byte as u64)) + ONES * 0x7F) & HIGH
}

/// High bit of each byte of `x`: set when that byte is ASCII white space, as
/// [`is_ascii_space`] says (space and `\t` to `\r`).
pub(crate) const fn ascii_space(x: u64) -> u64 {
    equal(x, b' ') | in_range(x, b'\t', b'\t' + 5)
}

/// High bit of each byte of `x` that a JSON string must escape (`"`, `\\` and controls below
/// 0x20), for any bytes, not only ASCII: borrows can flag bytes above a flagged one, but the
/// lowest flag is always exact, so `trailing_zeros` finds the first such byte.
pub(crate) const fn json_escapes(x: u64) -> u64 {
    // Bytes below `n`; a byte equal to `b` is one where `y ^ b` is below 1.
    const fn below(y: u64, n: u8) -> u64 {
        y.wrapping_sub(ONES * n as u64) & !y & HIGH
    }
    below(x, 0x20) | below(x ^ (ONES * b'"' as u64), 1) | below(x ^ (ONES * b'\\' as u64), 1)
}

/// Lower-cases the ASCII letters of `x` and sets bit 5 of every other byte: for tests that
/// ignore case (`in_range(fold_case(x), b'a', b'z' + 1)` finds the letters).
pub(crate) const fn fold_case(x: u64) -> u64 {
    x | (ONES * 0x20)
}

/// Gathers the high bits of `x` (bit `8i + 7` for byte `i`) into a byte, byte `i` to bit `i`.
#[cfg(any(test, not(target_arch = "x86_64")))]
pub(crate) const fn gather(x: u64) -> u8 {
    ((x >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Bits `0..len` set, for a block of `len` bytes (at most 64).
pub(crate) const fn valid_bits(len: usize) -> u64 {
    if len >= 64 {
        u64::MAX
    } else {
        (1 << len) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every class, on every ASCII byte in each of the eight positions.
    #[test]
    fn byte_tests_agree_with_their_definitions() {
        for b in 0u8..0x80 {
            for position in 0..8 {
                let mut chunk = [b'x'; 8];
                chunk[position] = b;
                let x = load(&chunk);
                let bit = |mask: u64| gather(mask) >> position & 1 == 1;
                assert_eq!(bit(in_range(x, b'0', b'9' + 1)), b.is_ascii_digit(), "{b}");
                assert_eq!(bit(equal(x, b'|')), b == b'|', "{b}");
                assert_eq!(bit(ascii_space(x)), is_ascii_space(b), "{b}");
                assert_eq!(bit(in_range(fold_case(x), b'a', b'z' + 1)), b.is_ascii_alphabetic(), "{b}");
                assert!(bit(in_range(x, 0, 0x80)), "every ASCII byte lies in 0..0x80");
                // The neighbours, all 'x', are unaffected.
                let others = gather(equal(x, b'x')) | 1 << position;
                assert_eq!(others, 0xFF, "{b} at {position}");
            }
        }
    }

    #[test]
    fn valid_bits_cover_the_block() {
        assert_eq!(valid_bits(64), u64::MAX);
        assert_eq!(valid_bits(3), 0b111);
        assert_eq!(valid_bits(0), 0);
    }
}
