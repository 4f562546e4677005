//! [`SimConfig::validate`]: every field against its row of [`FIELDS`], then the rules that
//! involve several fields.

use std::fmt;

use super::{Fencing, Primitive, SimConfig, Workload, FIELDS, MAX_ACTORS};

/// Why a config was refused: the field (its JavaScript name) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The field's JavaScript name, e.g. `"ttlMs"`.
    pub field: &'static str,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Outside `min..=max`.
    OutOfRange {
        /// The value received.
        value: u64,
        /// The smallest allowed.
        min: u64,
        /// The largest allowed.
        max: u64,
    },
    /// Breaks a rule that involves another field.
    Conflict(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Problem::OutOfRange { value, min, max } => write!(
                f,
                "{} must be an integer in [{min}, {max}], got {value}",
                self.field
            ),
            Problem::Conflict(rule) => write!(f, "{} {rule}", self.field),
        }
    }
}

impl std::error::Error for ConfigError {}

fn range(field: &'static str, value: u64, min: u64, max: u64) -> Result<(), ConfigError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError {
            field,
            problem: Problem::OutOfRange { value, min, max },
        })
    }
}

fn conflict(field: &'static str, rule: &'static str) -> ConfigError {
    ConfigError {
        field,
        problem: Problem::Conflict(rule),
    }
}

impl SimConfig {
    /// Checks every field, in [`FIELDS`] order (each integer in its range, which may depend
    /// on an earlier field), then the rules across fields; the first problem found is
    /// returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for field in FIELDS {
            let range = field.kind.range();
            if let (Some(range), Some(value)) = (range, field.get(self).integer()) {
                let (min, max) = range.bounds(self);
                self::range(field.name, value, min, max)?;
            }
        }
        if self.actors() > MAX_ACTORS {
            return Err(conflict(
                "clients",
                "× resources must be at most 1000 for the orders workload",
            ));
        }
        if self.node_down_at_ms.is_some() && self.lease_nodes < 2 {
            return Err(conflict("nodeDownAtMs", "needs leaseNodes ≥ 2"));
        }
        if self.fencing == Fencing::Strict && self.primitive == Primitive::Election {
            // FencedStore's strict check asks LeaseTable::is_live, which knows lock leases only.
            return Err(conflict(
                "fencing",
                "\"strict\" needs primitive \"lock\" (the store checks lock leases only)",
            ));
        }
        if self.workload == Workload::Orders && self.primitive != Primitive::Election {
            return Err(conflict(
                "workload",
                "\"orders\" needs primitive \"election\" (each partition has a leader)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sim::config::{CrashMode, Fencing, Primitive, Workload};

    fn field_of(config: SimConfig) -> &'static str {
        config.validate().unwrap_err().field
    }

    #[test]
    fn default_is_valid() {
        SimConfig::default().validate().unwrap();
    }

    #[test]
    fn bad_values_name_the_field() {
        let d = SimConfig::default;
        assert_eq!(field_of(SimConfig { clients: 0, ..d() }), "clients");
        assert_eq!(
            field_of(SimConfig {
                clients: 1001,
                ..d()
            }),
            "clients"
        );
        assert_eq!(field_of(SimConfig { ttl_ms: 0, ..d() }), "ttlMs");
        assert_eq!(
            field_of(SimConfig {
                ttl_ms: 60_001,
                ..d()
            }),
            "ttlMs"
        );
        assert_eq!(
            field_of(SimConfig {
                seed: 1 << 53,
                ..d()
            }),
            "seed"
        );
        assert_eq!(
            field_of(SimConfig {
                duration_ms: 0,
                ..d()
            }),
            "durationMs"
        );
        assert_eq!(
            field_of(SimConfig {
                faults_until_ms: 10_001,
                ..d()
            }),
            "faultsUntilMs"
        );
        assert_eq!(
            field_of(SimConfig {
                think_min_ms: 60,
                think_max_ms: 50,
                ..d()
            }),
            "thinkMaxMs"
        );
        assert_eq!(
            field_of(SimConfig {
                latency_min_ms: 9,
                latency_max_ms: 5,
                ..d()
            }),
            "latencyMaxMs"
        );
        assert_eq!(
            field_of(SimConfig {
                loss_ppm: 1_000_001,
                ..d()
            }),
            "lossPpm"
        );
        assert_eq!(
            field_of(SimConfig {
                renew_percent: 100,
                ..d()
            }),
            "renewPercent"
        );
        assert_eq!(
            field_of(SimConfig {
                drift_max_ppm: 500_001,
                ..d()
            }),
            "driftMaxPpm"
        );
        assert_eq!(
            field_of(SimConfig {
                crash_at_ms: Some(7_000),
                ..d()
            }),
            "crashAtMs"
        );
        assert_eq!(
            field_of(SimConfig {
                node_down_at_ms: Some(10),
                ..d()
            }),
            "nodeDownAtMs"
        );
        assert_eq!(
            field_of(SimConfig {
                workload: Workload::Orders,
                ..d()
            }),
            "workload"
        );
        assert_eq!(
            field_of(SimConfig {
                fencing: Fencing::Strict,
                primitive: Primitive::Election,
                ..d()
            }),
            "fencing"
        );
        assert_eq!(
            field_of(SimConfig {
                workload: Workload::Orders,
                primitive: Primitive::Election,
                clients: 100,
                resources: 11,
                ..d()
            }),
            "clients"
        );
    }

    #[test]
    fn messages_name_field_and_range() {
        let err = SimConfig {
            ttl_ms: 0,
            ..SimConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ttlMs must be an integer in [1, 60000], got 0"
        );
        let err = SimConfig {
            node_down_at_ms: Some(1),
            ..SimConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.to_string(), "nodeDownAtMs needs leaseNodes ≥ 2");
    }

    #[test]
    fn names_round_trip() {
        for f in [Fencing::Off, Fencing::MaxToken, Fencing::Strict] {
            assert_eq!(Fencing::parse(f.as_str()), Some(f));
        }
        for m in [
            CrashMode::KeepState,
            CrashMode::LoseState,
            CrashMode::LoseStateNoDelay,
        ] {
            assert_eq!(CrashMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(Primitive::parse("election"), Some(Primitive::Election));
        assert_eq!(Workload::parse("orders"), Some(Workload::Orders));
        assert_eq!(Fencing::parse("on"), None);
    }
}
