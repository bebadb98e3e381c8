//! The text report: a finding that applies to many profiles the same way (a
//! generated config of 100,000 profiles whose program is not on PATH) is one line
//! with the count and the first few names. `--json` keeps every instance.

use std::collections::HashMap;

use super::Finding;

/// More instances than this are shown as one line.
const GROUP_ABOVE: usize = 3;
/// Names shown after the first instance's own line.
const NAMES_SHOWN: usize = 5;

/// The report's lines, in the order of the findings' first instances.
pub fn report_lines(findings: &[Finding]) -> Vec<String> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    let mut position: HashMap<GroupKey, usize> = HashMap::new();
    for (index, finding) in findings.iter().enumerate() {
        let key = GroupKey::of(finding, index);
        match position.get(&key) {
            Some(&at) => groups[at].push(finding),
            None => {
                position.insert(key, groups.len());
                groups.push(vec![finding]);
            }
        }
    }
    groups
        .iter()
        .flat_map(|group| {
            if group.len() > GROUP_ABOVE {
                vec![grouped_line(group)]
            } else {
                group.iter().map(|finding| finding.line()).collect()
            }
        })
        .collect()
}

/// The first instance's line, then how many more and their names.
fn grouped_line(group: &[&Finding]) -> String {
    let more = &group[1..];
    let mut names: Vec<String> = more
        .iter()
        .take(NAMES_SHOWN)
        .filter_map(|finding| finding.profile.as_deref())
        .map(crate::shell::shell_word)
        .collect();
    if more.len() > NAMES_SHOWN {
        names.push("...".to_owned());
    }
    let suffix = format!(
        " [the same for {} more profiles: {}; grant doctor --json lists each]",
        more.len(),
        names.join(", ")
    );
    group[0].line() + &crate::term_text::shown(&suffix)
}

/// What makes two findings the same: their check, severity and words, with the
/// profile's own name taken out. Findings about no profile are never grouped.
#[derive(PartialEq, Eq, Hash)]
enum GroupKey {
    Alone(usize),
    Same {
        check: &'static str,
        severity: super::Severity,
        message: String,
        fix: Option<String>,
    },
}

impl GroupKey {
    fn of(finding: &Finding, index: usize) -> Self {
        let Some(name) = finding.profile.as_deref().filter(|name| !name.is_empty()) else {
            return GroupKey::Alone(index);
        };
        let without_name = |text: &str| text.replace(name, "\u{0}");
        GroupKey::Same {
            check: finding.check,
            severity: finding.severity,
            message: without_name(&finding.message),
            fix: finding.fix.as_deref().map(without_name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Severity;
    use super::*;
    use std::path::Path;

    fn not_on_path(name: &str, line: usize) -> Finding {
        Finding::new(
            "process-program",
            Severity::Error,
            format!("profile {name}: grant is not on PATH"),
        )
        .profile(name)
        .at(Path::new("/c"), line)
        .fix(format!("run: grant doctor --profile {name}"))
    }

    #[test]
    fn many_instances_are_one_line_and_few_stay_apart() {
        let mut findings: Vec<Finding> = (0..1000)
            .map(|i| not_on_path(&format!("p{i}"), i))
            .collect();
        findings.insert(1, Finding::new("other", Severity::Warning, "alone"));
        findings.push(not_on_path("x", 1));
        let lines = report_lines(&findings);
        assert_eq!(lines.len(), 2, "{lines:#?}");
        assert_eq!(
            lines[0],
            "error: /c:0: profile p0: grant is not on PATH; run: grant doctor --profile p0 \
             [the same for 1000 more profiles: p1, p2, p3, p4, p5, ...; grant doctor --json lists each]"
        );
        assert_eq!(lines[1], "warning: alone");
        let few: Vec<Finding> = (0..3).map(|i| not_on_path(&format!("q{i}"), i)).collect();
        assert_eq!(report_lines(&few).len(), 3);
    }

    #[test]
    fn different_words_are_different_groups() {
        let findings: Vec<Finding> = (0..10)
            .map(|i| {
                let mut finding = not_on_path(&format!("p{i}"), i);
                finding.message.push_str(&"!".repeat(i % 2));
                finding
            })
            .collect();
        let lines = report_lines(&findings);
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].contains("4 more profiles: p2, p4, p6, p8;"),
            "{}",
            lines[0]
        );
    }
}
