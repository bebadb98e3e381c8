//! Shell quoting tests (being written).
