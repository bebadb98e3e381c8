//! Request counters and the fault switches tests flip per operation.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Failure {
    pub status: u16,
    /// Error code to send; `None` picks the usual one for the status and service.
    pub code: Option<String>,
    /// How many more requests fail; `None` = until cleared.
    pub remaining: Option<u32>,
    /// A raw body to answer with instead of the service's error document (a
    /// truncated or mistyped answer, an HTML error page), with `status` (even 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    counters: BTreeMap<String, u64>,
    failures: HashMap<String, Failure>,
    delays: HashMap<String, Duration>,
}

impl Faults {
    pub fn count(&mut self, op: &str) {
        *self.counters.entry(op.to_string()).or_default() += 1;
    }

    pub fn counter(&self, op: &str) -> u64 {
        self.counters.get(op).copied().unwrap_or(0)
    }

    pub fn counters(&self) -> BTreeMap<String, u64> {
        self.counters.clone()
    }

    pub fn reset_counters(&mut self) {
        self.counters.clear();
    }

    /// `times == Some(0)` clears the failure.
    pub fn set_failure(&mut self, op: &str, failure: Failure) {
        if failure.remaining == Some(0) {
            self.failures.remove(op);
        } else {
            self.failures.insert(op.to_string(), failure);
        }
    }

    /// A zero delay clears it.
    pub fn set_delay(&mut self, op: &str, delay: Duration) {
        if delay.is_zero() {
            self.delays.remove(op);
        } else {
            self.delays.insert(op.to_string(), delay);
        }
    }

    pub fn clear(&mut self) {
        self.failures.clear();
        self.delays.clear();
    }

    /// The failure for the first of `ops` that has one (most specific name first),
    /// using up one of its remaining times.
    pub fn take_failure(&mut self, ops: &[&str]) -> Option<Failure> {
        let op = ops.iter().find(|op| self.failures.contains_key(**op))?;
        let failure = self.failures.get_mut(*op)?;
        let taken = failure.clone();
        if let Some(n) = failure.remaining.as_mut() {
            *n -= 1;
            if *n == 0 {
                self.failures.remove(*op);
            }
        }
        Some(taken)
    }

    pub fn delay(&self, ops: &[&str]) -> Option<Duration> {
        ops.iter().find_map(|op| self.delays.get(*op).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(remaining: Option<u32>) -> Failure {
        Failure {
            status: 500,
            code: None,
            remaining,
            body: None,
        }
    }

    #[test]
    fn limited_failures_run_out() {
        let mut faults = Faults::default();
        faults.set_failure("Op", failure(Some(2)));
        assert!(faults.take_failure(&["Op"]).is_some());
        assert!(faults.take_failure(&["Op"]).is_some());
        assert!(faults.take_failure(&["Op"]).is_none());
    }

    #[test]
    fn the_most_specific_name_wins() {
        let mut faults = Faults::default();
        faults.set_failure("CreateToken", failure(None));
        faults.set_failure(
            "CreateToken:refresh_token",
            Failure {
                status: 400,
                ..failure(None)
            },
        );
        let hit = faults.take_failure(&["CreateToken:refresh_token", "CreateToken"]);
        assert_eq!(hit.map(|f| f.status), Some(400));
        let hit = faults.take_failure(&["CreateToken:device_code", "CreateToken"]);
        assert_eq!(hit.map(|f| f.status), Some(500));
    }

    #[test]
    fn zero_clears() {
        let mut faults = Faults::default();
        faults.set_failure("Op", failure(None));
        faults.set_failure("Op", failure(Some(0)));
        assert!(faults.take_failure(&["Op"]).is_none());
        faults.set_delay("Op", Duration::from_secs(1));
        faults.set_delay("Op", Duration::ZERO);
        assert_eq!(faults.delay(&["Op"]), None);
    }
}
