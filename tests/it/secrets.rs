//! Secret store tests (being written).
