//! `grant profiles convert`.
