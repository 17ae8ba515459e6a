//! Byte classes of up to 64 bytes at once, as bit masks: bit `i` answers for byte `i`.
//!
//! Every per-line feature starts from a few byte classes (white space, letters, digits, word
//! bytes, punctuation). On x86-64 a block is four SSE2 vectors (SSE2 is part of the x86-64
//! baseline, so no detection at run time): a class of 16 bytes costs a compare or two and one
//! `movemask`, about a quarter of the [`swar`](super::swar) arithmetic it replaces. Elsewhere
//! the same answers come from SWAR. Both are exact for any bytes, not only ASCII: a byte at or
//! above 0x80 is in no ASCII class, only in [`Block64::non_ascii`], [`Block64::lead_bytes`]
//! and the byte tests ([`Block64::any_of`]).

/// Up to 64 bytes, ready to be asked for byte classes. Bytes past the block are in no class.
pub(crate) struct Block64 {
    lanes: imp::Lanes,
    /// Bits `0..len`.
    valid: u64,
}

impl Block64 {
    /// The block of `bytes`, at most 64 of them.
    #[inline]
    pub(crate) fn load(bytes: &[u8]) -> Self {
        debug_assert!(bytes.len() <= 64);
        Block64 { lanes: imp::Lanes::load(bytes), valid: super::swar::valid_bits(bytes.len()) }
    }

    /// Every byte of the block.
    #[inline]
    pub(crate) fn all(&self) -> u64 {
        self.valid
    }

    /// Bytes equal to `byte`.
    #[inline]
    pub(crate) fn eq(&self, byte: u8) -> u64 {
        self.any_of([byte])
    }

    /// Bytes equal to any of `bytes`.
    #[inline]
    pub(crate) fn any_of<const N: usize>(&self, bytes: [u8; N]) -> u64 {
        self.lanes.any_of(bytes) & self.valid
    }

    /// Bytes at or above 0x80: the bytes of non-ASCII characters.
    #[inline]
    pub(crate) fn non_ascii(&self) -> u64 {
        self.lanes.non_ascii() & self.valid
    }

    /// Bytes in `lo..=hi`, with `0 < lo <= hi < 0x7F`.
    #[inline]
    pub(crate) fn in_range(&self, lo: u8, hi: u8) -> u64 {
        debug_assert!(0 < lo && lo <= hi && hi < 0x7F);
        self.lanes.in_range(lo, hi) & self.valid
    }

    /// ASCII letters of either case.
    #[inline]
    pub(crate) fn letters(&self) -> u64 {
        self.lanes.letters() & self.valid
    }

    /// Lead bytes of multi-byte characters (0xC0 and up): where each non-ASCII character
    /// starts.
    #[inline]
    pub(crate) fn lead_bytes(&self) -> u64 {
        self.lanes.lead_bytes() & self.valid
    }

    /// ASCII white space as [`super::swar::is_ascii_space`] sees it: space and `\t` to `\r`.
    #[inline]
    pub(crate) fn spaces(&self) -> u64 {
        self.eq(b' ') | self.in_range(b'\t', b'\r')
    }
}

#[cfg(not(target_arch = "x86_64"))]
use portable as imp;
#[cfg(target_arch = "x86_64")]
use sse2 as imp;

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128,
    };

    /// The block's 16-byte lanes; only the first `used` hold bytes of the block (a short
    /// line, the common case, needs one or two).
    pub(crate) struct Lanes {
        lanes: [__m128i; 4],
        used: usize,
    }

    // SAFETY (every `unsafe` below): SSE2 is part of the x86-64 baseline, so its intrinsics
    // exist on every x86-64 CPU; only the loads read memory, and they stay inside an array.
    impl Lanes {
        #[inline]
        pub(crate) fn load(bytes: &[u8]) -> Self {
            let mut padded = [0u8; 64];
            let block: &[u8; 64] = match bytes.try_into() {
                Ok(full) => full,
                Err(_) => {
                    padded[..bytes.len()].copy_from_slice(bytes);
                    &padded
                }
            };
            let lane = |k: usize| unsafe { _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>()) };
            Lanes { lanes: [lane(0), lane(1), lane(2), lane(3)], used: bytes.len().div_ceil(16) }
        }

        /// The high bits of `test` of each lane in use, gathered into one mask.
        #[inline]
        fn mask(&self, test: impl Fn(__m128i) -> __m128i) -> u64 {
            let bits =
                |k: usize| u64::from(unsafe { _mm_movemask_epi8(test(self.lanes[k])) } as u16) << (16 * k);
            match self.used {
                0 => 0,
                1 => bits(0),
                2 => bits(0) | bits(1),
                3 => bits(0) | bits(1) | bits(2),
                _ => bits(0) | bits(1) | bits(2) | bits(3),
            }
        }

        #[inline]
        pub(crate) fn any_of<const N: usize>(&self, bytes: [u8; N]) -> u64 {
            self.mask(|v| unsafe {
                bytes.iter().fold(_mm_setzero_si128(), |any, &b| {
                    _mm_or_si128(any, _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)))
                })
            })
        }

        /// Signed compares: bytes at or above 0x80 are negative, below any `lo`.
        #[inline]
        pub(crate) fn in_range(&self, lo: u8, hi: u8) -> u64 {
            let (below, above) = unsafe { (_mm_set1_epi8(lo as i8 - 1), _mm_set1_epi8(hi as i8 + 1)) };
            self.mask(|v| unsafe { _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above)) })
        }

        #[inline]
        pub(crate) fn non_ascii(&self) -> u64 {
            self.mask(|v| v)
        }

        /// 0xC0 and up are the signed bytes from -64 to -1.
        #[inline]
        pub(crate) fn lead_bytes(&self) -> u64 {
            let (below, zero) = unsafe { (_mm_set1_epi8(-65), _mm_setzero_si128()) };
            self.mask(|v| unsafe { _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, zero)) })
        }

        #[inline]
        pub(crate) fn letters(&self) -> u64 {
            let (case, below, above) = unsafe {
                (_mm_set1_epi8(0x20), _mm_set1_epi8(b'a' as i8 - 1), _mm_set1_epi8(b'z' as i8 + 1))
            };
            self.mask(|v| unsafe {
                let lower = _mm_or_si128(v, case);
                _mm_and_si128(_mm_cmpgt_epi8(lower, below), _mm_cmplt_epi8(lower, above))
            })
        }
    }
}

/// SWAR, eight bytes a word; the answer on targets without SSE2, and the reference the tests
/// hold the SSE2 lanes to.
#[cfg(any(test, not(target_arch = "x86_64")))]
mod portable {
    use crate::text::swar::{fold_case, gather, in_range, load, HIGH, ONES};

    pub(crate) struct Lanes([u64; 8]);

    impl Lanes {
        pub(crate) fn load(bytes: &[u8]) -> Self {
            let mut words = [0u64; 8];
            for (word, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
                *word = load(chunk);
            }
            Lanes(words)
        }

        /// `test` of the ASCII bytes of each word (high bits cleared first, as the SWAR tests
        /// assume ASCII), gathered into one mask; bytes at or above 0x80 are left out.
        fn ascii_mask(&self, test: impl Fn(u64) -> u64) -> u64 {
            self.0
                .iter()
                .enumerate()
                .fold(0, |mask, (k, &x)| mask | u64::from(gather(test(x & !HIGH) & !x & HIGH)) << (8 * k))
        }

        /// Exact for any bytes: a byte of `x ^ b` is zero only where `x` holds `b`.
        pub(crate) fn any_of<const N: usize>(&self, bytes: [u8; N]) -> u64 {
            self.high_bits(|x| {
                bytes.iter().fold(0, |any, &b| {
                    let y = x ^ (ONES * u64::from(b));
                    any | !(((y & !HIGH) + !HIGH) | y) & HIGH
                })
            })
        }

        pub(crate) fn in_range(&self, lo: u8, hi: u8) -> u64 {
            self.ascii_mask(|x| in_range(x, lo, hi + 1))
        }

        pub(crate) fn lead_bytes(&self) -> u64 {
            // Bits 7 and 6 both set.
            self.high_bits(|x| x & x << 1 & HIGH)
        }

        pub(crate) fn non_ascii(&self) -> u64 {
            self.high_bits(|x| x & HIGH)
        }

        /// The high bits `test` sets in each word, gathered into one mask.
        fn high_bits(&self, test: impl Fn(u64) -> u64) -> u64 {
            self.0.iter().enumerate().fold(0, |mask, (k, &x)| mask | u64::from(gather(test(x))) << (8 * k))
        }

        pub(crate) fn letters(&self) -> u64 {
            self.ascii_mask(|x| in_range(fold_case(x), b'a', b'z' + 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each class of `block` by its definition, one byte at a time.
    fn by_definition(block: &[u8], class: impl Fn(u8) -> bool) -> u64 {
        block.iter().enumerate().filter(|(_, &b)| class(b)).fold(0, |mask, (i, _)| mask | 1 << i)
    }

    fn check(block: &[u8]) {
        let b = Block64::load(block);
        let portable = portable::Lanes::load(block);
        let valid = b.valid;
        let cases: [(u64, u64, u64); 8] = [
            (b.non_ascii(), portable.non_ascii() & valid, by_definition(block, |c| c >= 0x80)),
            (
                b.any_of([0xC2, 0xE2, b'\t']),
                portable.any_of([0xC2, 0xE2, b'\t']) & valid,
                by_definition(block, |c| matches!(c, 0xC2 | 0xE2 | b'\t')),
            ),
            (b.eq(b'|'), portable.any_of([b'|']) & valid, by_definition(block, |c| c == b'|')),
            (
                b.any_of([b',', b'.', b'!']),
                portable.any_of([b',', b'.', b'!']) & valid,
                by_definition(block, |c| matches!(c, b',' | b'.' | b'!')),
            ),
            (
                b.in_range(b'0', b'9'),
                portable.in_range(b'0', b'9') & valid,
                by_definition(block, |c| c.is_ascii_digit()),
            ),
            (b.letters(), portable.letters() & valid, by_definition(block, |c| c.is_ascii_alphabetic())),
            (
                b.spaces(),
                (portable.any_of([b' ']) | portable.in_range(b'\t', b'\r')) & valid,
                by_definition(block, crate::text::swar::is_ascii_space),
            ),
            (b.lead_bytes(), portable.lead_bytes() & valid, by_definition(block, |c| c >= 0xC0)),
        ];
        for (k, (fast, swar, expected)) in cases.into_iter().enumerate() {
            assert_eq!(fast, expected, "class {k} of {block:?}");
            assert_eq!(swar, expected, "portable class {k} of {block:?}");
        }
    }

    #[test]
    fn every_byte_at_every_position_of_every_length() {
        for len in [1, 7, 8, 15, 16, 17, 33, 63, 64] {
            for position in 0..len {
                for byte in 0..=255u8 {
                    let mut block = vec![b'x'; len];
                    block[position] = byte;
                    check(&block);
                }
            }
        }
        check(&[]);
    }

    proptest! {
        #[test]
        fn classes_agree_with_their_definitions(block in proptest::collection::vec(any::<u8>(), 0..=64)) {
            check(&block);
        }
    }
}
