//! Numbers written the way JavaScript writes them, for error messages and labels, without
//! `core::fmt`'s float formatting (large in wasm).

/// Formats a number the way JavaScript prints it for the common cases (NaN, Infinity, integers).
///
/// Exactly what `format!` gives (`{:.0}` for integers below 1e21, `{:e}` from 1e21 on, `{}`
/// otherwise), written without `core::fmt`'s float formatting, which is large in wasm: the
/// digits come from [`shortest`] (Ryū) and integers are printed exactly.
pub(crate) fn js_number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if value == 0.0 {
        "0".to_owned()
    } else if value.fract() == 0.0 && value.abs() < 1e21 {
        let digits = integer_digits(value.abs());
        if value < 0.0 {
            format!("-{digits}")
        } else {
            digits
        }
    } else if value.abs() >= 1e21 {
        exponential(value)
    } else {
        decimal(value)
    }
}

/// The exact decimal digits of an integer in `1..1e21` (no `u128`, which is large in wasm).
fn integer_digits(value: f64) -> String {
    if value < 18_446_744_073_709_551_616.0 {
        return (value as u64).to_string();
    }
    // From 2^64 on, every f64 is a multiple of 4096: value = w × 4096 exactly, w < 2.5e17.
    const BILLION: u64 = 1_000_000_000;
    let w = (value / 4096.0) as u64;
    let low = (w % BILLION) * 4096;
    let high = (w / BILLION) * 4096 + low / BILLION;
    format!("{high}{:09}", low % BILLION)
}

/// `format!("{value}")` for an `f64`: the shortest digits that read back as `value`, never in
/// exponent notation (`1e-7` is `0.0000001`), `inf`, `-inf`, `NaN`, `-0`.
pub(crate) fn decimal(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if value.is_infinite() {
        return format!("{sign}inf");
    }
    if value == 0.0 {
        return format!("{sign}0");
    }
    let (digits, exponent) = shortest(value);
    let mut out = String::with_capacity(digits.len() + 8);
    out.push_str(sign);
    let point = digits.len() as i32 + exponent;
    if exponent >= 0 {
        out.push_str(&digits);
        out.extend(std::iter::repeat('0').take(exponent as usize));
    } else if point > 0 {
        let (whole, fraction) = digits.split_at(point as usize);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat('0').take((-point) as usize));
        out.push_str(&digits);
    }
    out
}

/// `format!("{value:e}")` for a finite, non-zero `f64`: `1e21`, `-1.5e-7`.
fn exponential(value: f64) -> String {
    let (digits, exponent) = shortest(value);
    let (first, rest) = digits.split_at(1);
    let sign = if value < 0.0 { "-" } else { "" };
    let point = if rest.is_empty() { "" } else { "." };
    let power = exponent + rest.len() as i32;
    format!("{sign}{first}{point}{rest}e{power}")
}

/// The shortest decimal digits that read back as `value` (finite, non-zero; the sign is
/// ignored), without leading or trailing zeros, and the power of ten of the last one:
/// `|value| = digits × 10^exponent`. The same digits as `core::fmt` prints.
fn shortest(value: f64) -> (String, i32) {
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value.abs());
    let mut digits = String::with_capacity(17);
    let mut exponent = 0i32;
    let mut after_point = false;
    let mut bytes = text.bytes();
    for byte in bytes.by_ref() {
        match byte {
            b'.' => after_point = true,
            b'0'..=b'9' => {
                if !(digits.is_empty() && byte == b'0') {
                    digits.push(char::from(byte));
                }
                if after_point {
                    exponent -= 1;
                }
            }
            _ => break, // 'e': Ryū's exponent follows
        }
    }
    let mut power = 0i32;
    let mut negative = false;
    for byte in bytes {
        if byte == b'-' {
            negative = true;
        } else {
            power = power * 10 + i32::from(byte.wrapping_sub(b'0'));
        }
    }
    exponent += if negative { -power } else { power };
    while digits.ends_with('0') {
        digits.pop();
        exponent += 1;
    }
    // A tie: `value` lies exactly halfway between two shortest candidates. Ryū rounds it to
    // even, core::fmt up (away from zero): take the upper one, as core::fmt does.
    if let Some((exact, power)) = exact_odd_digits(value.abs()) {
        if exact % 10 == 5 && count_digits(exact) == digits.len() + 1 {
            let mut upper = exact / 10 + 1;
            exponent = power + 1;
            while upper % 10 == 0 {
                upper /= 10;
                exponent += 1;
            }
            digits = upper.to_string();
        }
    }
    (digits, exponent)
}

/// `value` (finite, positive) as `digits × 10^power` exactly when `digits` is odd and fits a
/// u64: the only case where `value` can lie halfway between two shortest candidates.
fn exact_odd_digits(value: f64) -> Option<(u64, i32)> {
    let bits = value.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, power_of_two) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    // value = odd × 2^power_of_two
    let twos = mantissa.trailing_zeros() as i32;
    let odd = mantissa >> twos;
    let power_of_two = power_of_two + twos;
    if power_of_two >= 0 {
        // odd × 2^k has odd digits only if 5^k divides odd: then it is (odd / 5^k) × 10^k.
        let fives = 5u64.checked_pow(power_of_two as u32)?;
        (odd % fives == 0).then_some((odd / fives, power_of_two))
    } else {
        // odd / 2^s = odd × 5^s / 10^s, and odd × 5^s is odd.
        let s = -power_of_two;
        let digits = odd.checked_mul(5u64.checked_pow(s as u32)?)?;
        Some((digits, -s))
    }
}

fn count_digits(mut value: u64) -> usize {
    let mut count = 1;
    while value >= 10 {
        value /= 10;
        count += 1;
    }
    count
}

/// Writes `value` in decimal into `buf` and returns the written digits (as JavaScript's
/// `'' + i`; shared by both schemes' point labels).
pub(crate) fn u32_digits(mut value: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            return &buf[start..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `js_number` was before it stopped using `core::fmt` for floats.
    fn js_number_fmt(value: f64) -> String {
        if value.is_nan() {
            "NaN".to_owned()
        } else if value.is_infinite() {
            if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        } else if value == 0.0 {
            "0".to_owned()
        } else if value.fract() == 0.0 && value.abs() < 1e21 {
            format!("{value:.0}")
        } else if value.abs() >= 1e21 {
            format!("{value:e}")
        } else {
            format!("{value}")
        }
    }

    /// Random cases per run; `NUMBER_FORMAT_CASES` raises it (20 million were checked).
    const RANDOM_CASES: usize = 100_000;

    fn random_cases() -> usize {
        std::env::var("NUMBER_FORMAT_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(RANDOM_CASES)
    }

    fn check(value: f64) {
        assert_eq!(
            js_number(value),
            js_number_fmt(value),
            "js_number({value:e})"
        );
        assert_eq!(decimal(value), format!("{value}"), "decimal({value:e})");
    }

    #[test]
    fn numbers_print_as_core_fmt_prints_them() {
        let special = [
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            5e-324,
            1e21,
            1e21 - 65536.0,
            999_999_999_999_999_900_000.0,
            18_446_744_073_709_551_616.0,
            18_446_744_073_709_555_712.0,
            123_456_789_012_345_678_901.0,
            -1e21,
            1e-7,
            0.1,
            0.3,
            1.5,
            -2.5,
            123.456,
            1e20,
            2f64.powi(60),
            2f64.powi(64),
            2f64.powi(64) - 2048.0,
            9_007_199_254_740_993.0,
            4096.5,
            1e300,
            1.7976931348623157e308,
        ];
        for value in special {
            check(value);
        }
        for power in -330..=310 {
            for mantissa in [1.0, 1.5, 2.0, 9.999_999_999_999_999, 3.3] {
                check(mantissa * 10f64.powi(power));
            }
        }
        for exponent in -1074..=1023 {
            check(2f64.powi(exponent));
        }
        // Random bit patterns (every exponent, subnormals included) and random integers.
        let mut state = 0x853c_49e6_748f_ea9bu64;
        for _ in 0..random_cases() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let value = f64::from_bits(state);
            if value.is_finite() {
                check(value);
            }
            check((state >> 11) as f64);
            check((state >> 40) as f64 / 1000.0);
            check(((state >> 1) as f64) * 37.0);
        }
    }

    #[test]
    fn u32_digits_writes_every_digit() {
        let mut buf = [0u8; 10];
        assert_eq!(u32_digits(0, &mut buf), b"0");
        assert_eq!(u32_digits(10, &mut buf), b"10");
        assert_eq!(u32_digits(u32::MAX, &mut buf), b"4294967295");
    }
}
