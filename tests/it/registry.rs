//! `grant registry`: profiles shared through real git repositories (bare
//! repositories made by the test, reached by file:// URLs), merged into the AWS
//! config as one block per registry, data only.

use std::path::{Path, PathBuf};
use std::process::Command;

use fake_aws::FakeAws;

use crate::convert::boto3_as;
use crate::support::fixtures::{self, Forget, START_URL};
#[cfg(unix)]
use crate::support::fixtures::{DEV_ACCOUNT, DEV_ROLE};
use crate::support::{TestEnv, failure, stderr, stdout, success, tool_is_installed};

/// A bare repository and a working clone of it that the test commits through.
struct Repo {
    root: tempfile::TempDir,
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Team", "-c", "user.email=team@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

impl Repo {
    /// None when git is missing here (the test then skips; CI has git).
    fn new() -> Option<Repo> {
        if !tool_is_installed("git", "git") {
            return None;
        }
        let root = tempfile::tempdir().unwrap();
        git(root.path(), &["init", "--quiet", "--bare", "origin.git"]);
        git(root.path(), &["init", "--quiet", "work"]);
        git(
            &root.path().join("work"),
            &["remote", "add", "origin", "../origin.git"],
        );
        Some(Repo { root })
    }

    fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    fn url(&self) -> String {
        format!("file://{}", self.root.path().join("origin.git").display())
    }

    /// Writes `files` and commits and pushes them; returns the commit.
    fn commit(&self, files: &[(&str, &str)]) -> String {
        for (name, text) in files {
            let path = self.work().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        self.commit_work()
    }

    fn commit_work(&self) -> String {
        git(&self.work(), &["add", "--all"]);
        git(
            &self.work(),
            &["commit", "--quiet", "--allow-empty", "-m", "change"],
        );
        git(
            &self.work(),
            &["push", "--quiet", "--force", "origin", "HEAD:main"],
        );
        git(&self.work(), &["rev-parse", "HEAD"])
    }

    /// Rewrites the last commit (a force-push of another history).
    fn rewrite_last(&self, files: &[(&str, &str)]) -> String {
        git(&self.work(), &["reset", "--quiet", "--hard", "HEAD~1"]);
        self.commit(files)
    }
}

/// A test world whose registry clones are checked by their own rule: git writes
/// its objects read-only (0400), so the usual 0600 check does not fit them; none
/// of it may be open to other users.
fn world(env: TestEnv) -> TestEnv {
    env.written_by_the_test(&env.state_dir.join("registries/clones"));
    env
}

#[cfg(unix)]
fn assert_clones_private(env: &TestEnv) {
    use std::os::unix::fs::PermissionsExt;
    let clones = env.state_dir.join("registries/clones");
    let mut stack = vec![clones];
    while let Some(path) = stack.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert_eq!(
            meta.permissions().mode() & 0o077,
            0,
            "{} is open to other users",
            path.display()
        );
        if meta.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
    }
}

fn config(env: &TestEnv) -> String {
    std::fs::read_to_string(env.aws_config_path()).unwrap_or_default()
}

const USER_CONFIG: &str =
    "# my own profiles\r\n[profile mine]   ; keep this comment\nregion = us-east-1\n\n";

#[cfg(unix)]
fn team_fragment(profiles: &[&str]) -> String {
    profiles
        .iter()
        .map(|name| {
            format!(
                "[profile {name}]\ngranted_sso_start_url = {START_URL}\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = {DEV_ACCOUNT}\ngranted_sso_role_name = {DEV_ROLE}\nregion = eu-west-1\ncredential_process = granted credential-process --profile {name}\n\n"
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_registry_is_added_synced_and_removed_leaving_every_other_byte() {
    let Some(repo) = Repo::new() else { return };
    let fake = FakeAws::start();
    let env = world(fixtures::signed_in_by_start_url(
        &fake,
        USER_CONFIG,
        Forget::Counts,
    ));
    let first = repo.commit(&[("config", &team_fragment(&["team-dev"]))]);

    let added = success(&env.run(&["registry", "add", "team", &repo.url()]));
    assert!(added.is_empty(), "stdout is for data: {added}");
    let text = config(&env);
    assert!(text.starts_with(USER_CONFIG), "{text}");
    assert!(
        text.contains(&format!("# grant registry begin: team commit={first}")),
        "{text}"
    );
    // The block is written with the file's own line ending (CRLF here).
    assert!(
        text.contains("credential_process = grant credential-process --profile team-dev\r\n"),
        "Granted's helper becomes the member's grant: {text}"
    );
    // boto3 reads the merged profile and gets credentials through grant.
    if let Some((worked, said)) = boto3_as(&env, "team-dev") {
        assert!(worked, "{said}");
        assert!(
            said.contains(&format!(
                "{DEV_ACCOUNT}:assumed-role/AWSReservedSSO_{DEV_ROLE}_"
            )),
            "{said}"
        );
    }

    // The user edits after the block; a new commit replaces the block only.
    let mut edited = config(&env);
    edited.push_str("[profile later]\nregion = ap-south-1\n");
    std::fs::write(env.aws_config_path(), &edited).unwrap();
    let second = repo.commit(&[("config", &team_fragment(&["team-dev", "team-prod"]))]);
    success(&env.run(&["registry", "sync"]));
    let synced = config(&env);
    assert!(synced.contains(&format!("commit={second}")), "{synced}");
    assert!(synced.contains("[profile team-prod]"), "{synced}");
    assert!(synced.starts_with(USER_CONFIG));
    assert!(
        synced.ends_with("[profile later]\nregion = ap-south-1\n"),
        "{synced}"
    );
    let listed = success(&env.run(&["registry", "list"]));
    assert!(
        listed.contains(&second[..12]) && listed.contains("2 profiles"),
        "{listed}"
    );
    let long = success(&env.run(&["profiles", "--long"]));
    let row = long
        .lines()
        .find(|line| line.starts_with("team-prod"))
        .unwrap();
    assert!(row.contains("registry team"), "{long}");
    assert_clones_private(&env);

    success(&env.run(&["registry", "remove", "team"]));
    assert_eq!(
        config(&env),
        format!("{USER_CONFIG}[profile later]\nregion = ap-south-1\n")
    );
    assert!(!env.state_dir.join("registries/clones/team").exists());
    assert!(success(&env.run(&["registry", "list"])).is_empty());
}

#[test]
fn a_rewritten_history_is_refused_and_an_offline_sync_keeps_the_last_block() {
    let Some(repo) = Repo::new() else { return };
    let env = world(TestEnv::new());
    env.write_aws_config(USER_CONFIG);
    repo.commit(&[("config", "[profile base]\nregion = eu-west-1\n")]);
    let good = repo.commit(&[("config", "[profile one]\nregion = eu-west-1\n")]);
    success(&env.run(&["registry", "add", "team", &repo.url()]));
    let before = config(&env);

    let rewritten = repo.rewrite_last(&[("config", "[profile evil]\nregion = eu-west-1\n")]);
    let refused = failure(&env.run(&["registry", "sync", "team"]));
    assert!(refused.contains("history was rewritten"), "{refused}");
    assert!(refused.contains("--allow-rewritten-history"), "{refused}");
    assert_eq!(refused.lines().count(), 1, "{refused}");
    assert_eq!(config(&env), before);
    assert!(before.contains(&good));

    success(&env.run(&["registry", "sync", "team", "--allow-rewritten-history"]));
    assert!(config(&env).contains(&format!("commit={rewritten}")));
    assert!(config(&env).contains("[profile evil]"));
    let after_rewrite = config(&env);

    // Offline: the repository is gone; the block stays, and the failure is said.
    std::fs::rename(
        repo.root.path().join("origin.git"),
        repo.root.path().join("moved.git"),
    )
    .unwrap();
    let offline = failure(&env.run(&["registry", "sync"]));
    assert!(offline.contains("git fetch failed"), "{offline}");
    assert!(offline.contains("stay in place"), "{offline}");
    assert_eq!(config(&env), after_rewrite);
    let listed = success(&env.run(&["registry", "list"]));
    assert!(listed.contains("last sync failed"), "{listed}");
    let doctor = env.run(&["doctor"]);
    let found = stdout(&doctor) + &stderr(&doctor);
    assert!(
        found.contains("registry team") && found.contains("failed"),
        "{found}"
    );
}

#[test]
fn conflicting_names_are_skipped_prefixed_or_claimed_by_priority() {
    let (Some(first), Some(second)) = (Repo::new(), Repo::new()) else {
        return;
    };
    let env = world(TestEnv::new());
    env.write_aws_config("[profile mine]\nregion = us-east-1\n");
    first.commit(&[(
        "config",
        "[profile shared]\nregion = eu-west-1\n[profile mine]\nregion = eu-west-1\n",
    )]);
    second.commit(&[("config", "[profile shared]\nregion = eu-north-1\n")]);

    let added = env.run(&["registry", "add", "alpha", &first.url()]);
    let said = stderr(&added);
    assert!(added.status.success(), "{said}");
    assert!(
        said.contains("profile mine: the name mine is already in use"),
        "{said}"
    );
    let text = config(&env);
    assert!(
        text.starts_with("[profile mine]\nregion = us-east-1\n"),
        "{text}"
    );
    assert_eq!(text.matches("[profile mine]").count(), 1, "{text}");

    let beta = env.run(&["registry", "add", "beta", &second.url()]);
    assert!(stderr(&beta).contains("profile shared: the name shared is already in use"));
    assert_eq!(config(&env).matches("[profile shared]").count(), 1);

    let gamma = success(&env.run(&[
        "registry",
        "add",
        "gamma",
        &second.url(),
        "--prefix-duplicate-profiles",
        "--priority",
        "5",
    ]));
    assert!(gamma.is_empty());
    assert!(config(&env).contains("[profile gamma.shared]\nregion = eu-north-1\n"));

    // A higher priority claims the shared name when all are synced together.
    success(&env.run(&["registry", "remove", "gamma"]));
    success(&env.run(&["registry", "remove", "beta"]));
    success(&env.run(&["registry", "add", "beta", &second.url(), "--priority", "10"]));
    let synced = env.run(&["registry", "sync"]);
    assert!(synced.status.success(), "{}", stderr(&synced));
    let text = config(&env);
    assert_eq!(text.matches("[profile shared]").count(), 1, "{text}");
    assert!(
        text.contains("[profile shared]\nregion = eu-north-1"),
        "{text}"
    );
    assert!(
        stderr(&synced)
            .contains("registry alpha: profile shared: the name shared is already in use")
    );
}

#[test]
fn a_granted_registry_is_read_unchanged_with_its_template_values() {
    let Some(repo) = Repo::new() else { return };
    let env = world(TestEnv::new());
    let granted_block =
        "[granted_registry_start team]\n[profile old]\nregion = x\n[granted_registry_end team]\n";
    env.write_aws_config(&format!(
        "[profile mine]\nregion = us-east-1\n{granted_block}"
    ));
    repo.commit(&[
        (
            "granted.yml",
            "awsConfig:\n  - ./aws/config\ntemplateValues:\n  - team:\n      - isRequired: \"true\"\n      - prompt: \"Your team\"\n  - home_region:\n      - value: eu-central-1\n",
        ),
        (
            "aws/config",
            "[profile {{ .Required.team }}-ops]\nregion = {{ .Variables.home_region }}\nrole_session_name = {{ .Required.team }}-{{ .Profile }}\n",
        ),
    ]);
    // Without the member's value for `team` and no terminal to ask on, nothing is
    // written and the line says how to give it.
    let missing = failure(&env.run(&["registry", "add", "team", &repo.url()]));
    assert!(missing.contains("--required-key team=VALUE"), "{missing}");
    assert!(!config(&env).contains("grant registry begin"));

    repo.commit(&[(
        "aws/config",
        "[profile ops]\nregion = {{ .Variables.home_region }}\nrole_session_name = {{ .Required.team }}-{{ .Profile }}\n",
    )]);
    success(&env.run(&[
        "registry",
        "add",
        "team",
        &repo.url(),
        "--required-key",
        "team=data",
    ]));
    let text = config(&env);
    assert!(
        text.contains("[profile ops]\nregion = eu-central-1\nrole_session_name = data-ops\n"),
        "{text}"
    );
    assert!(
        !text.contains("granted_registry_start"),
        "Granted's block is replaced: {text}"
    );
    // The answer is remembered: a sync asks nothing.
    success(&env.run(&["registry", "sync"]));

    // A value with a line break cannot become a section or a key.
    success(&env.run(&["registry", "remove", "team"]));
    let hostile = env.run(&[
        "registry",
        "add",
        "team",
        &repo.url(),
        "--required-key",
        "team=x\n[profile evil]\ncredential_process = touch /tmp/owned",
    ]);
    assert!(hostile.status.success(), "{}", stderr(&hostile));
    assert!(stderr(&hostile).contains("refused"), "{}", stderr(&hostile));
    assert!(!config(&env).contains("evil"));
}

#[test]
fn a_hostile_registry_writes_no_code_and_runs_nothing() {
    let Some(repo) = Repo::new() else { return };
    let env = world(TestEnv::new());
    env.write_aws_config("[default]\nregion = us-east-1\n");
    let marker = env.tmp_dir.join("owned");
    let fragment = format!(
        "[profile evil]\nregion = eu-west-1\ncredential_process = sh -c 'touch {marker}'\nmfa_process = sh -c 'touch {marker}'\nendpoint_url = http://127.0.0.1:9\nca_bundle = /etc/hostname\n\
         [profile inject]\nregion = eu-west-1\n  [profile injected]\n  credential_process = sh -c 'touch {marker}'\n\
         [default]\ncredential_process = sh -c 'touch {marker}'\n\
         [services evil]\nsts =\n  endpoint_url = http://127.0.0.1:9\n",
        marker = marker.display()
    );
    repo.commit(&[("config", &fragment)]);
    let added = env.run(&["registry", "add", "team", &repo.url()]);
    let said = stderr(&added);
    assert!(added.status.success(), "{said}");
    let text = config(&env);
    assert!(
        text.starts_with("[default]\nregion = us-east-1\n"),
        "{text}"
    );
    for refused in [
        "credential_process",
        "mfa_process",
        "endpoint_url",
        "ca_bundle",
        "injected",
        "[services",
    ] {
        assert!(!text.contains(refused), "{refused} was written: {text}");
    }
    assert!(
        said.contains("key credential_process refused, it runs a program"),
        "{said}"
    );
    assert!(said.contains("your default profile"), "{said}");
    assert!(!said.contains('\u{1b}'));
    // The SDKs read the merged file and run nothing of the registry's.
    success(&env.run(&["profiles"]));
    let _ = boto3_as(&env, "evil");
    let _ = boto3_as(&env, "inject");
    assert!(!marker.exists(), "a registry's command ran");

    // The member may allow one exact command; a different one stays refused.
    let command = format!("sh -c 'touch {}'", marker.display());
    success(&env.run(&["registry", "allow", "team", "credential_process", &command]));
    assert!(config(&env).contains(&format!("credential_process = {command}")));
    let any = failure(&env.run(&["registry", "allow", "team", "mfa_process"]));
    assert!(any.contains("allow one exact command"), "{any}");

    // A registry name that is not a plain word is refused before anything happens.
    for name in ["a\nb", "../x", "-x", "a b"] {
        let refused = failure(&env.run(&["registry", "add", "--", name, &repo.url()]));
        assert!(refused.contains("registry name"), "{refused}");
    }
}

#[cfg(unix)]
#[test]
fn links_out_of_the_clone_and_huge_files_are_refused() {
    let Some(repo) = Repo::new() else { return };
    let env = world(TestEnv::new());
    env.write_aws_config(USER_CONFIG);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("config"),
        "[profile stolen]\nregion = eu-west-1\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("config"), repo.work().join("config")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.work().join("linked")).unwrap();
    repo.commit_work();
    for extra in [&[][..], &["--path", "linked"][..]] {
        let mut args = vec!["registry", "add", "team", repo.url().leak()];
        args.extend_from_slice(extra);
        let output = env.run(&args);
        let text = config(&env);
        assert!(
            !text.contains("stolen"),
            "followed a link out of the clone: {text}"
        );
        if output.status.success() {
            success(&env.run(&["registry", "remove", "team"]));
        }
    }
    assert_eq!(config(&env), USER_CONFIG);

    let big = "[profile big]\nregion = eu-west-1\n".repeat(50 * 1024 * 1024 / 32);
    repo.commit(&[("granted.yml", "awsConfig:\n  - big\n"), ("big", &big)]);
    let refused = failure(&env.run(&["registry", "add", "huge", &repo.url()]));
    assert!(refused.contains("at most 1024 KiB"), "{refused}");
    assert_eq!(config(&env), USER_CONFIG);
    assert!(!env.state_dir.join("registries/clones/huge").exists());
}

#[test]
fn sync_populate_generates_each_members_profiles_for_a_shared_sso_session() {
    let Some(repo) = Repo::new() else { return };
    let fake = FakeAws::start();
    let env = world(fixtures::signed_in_by_start_url(&fake, "", Forget::Counts));
    repo.commit(&[(
        "config",
        &format!("[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"),
    )]);
    success(&env.run(&["registry", "add", "team", &repo.url()]));
    let output = env.run(&["registry", "sync", "--populate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = config(&env);
    assert_eq!(text.matches("[sso-session corp]").count(), 1, "{text}");
    assert!(text.contains("sso_session = corp"), "{text}");
    assert!(fixtures::profile_names(&env).len() > 1, "{text}");
    assert!(fake.count("ListAccounts") >= 1);
}
