//! The secret store through the binary. The store itself is tested in
//! `src/secrets/tests.rs`; commands that use it are tested with their own modules.
