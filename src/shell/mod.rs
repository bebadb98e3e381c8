//! Shell integration (being written).
