//! Secret store (being written).
