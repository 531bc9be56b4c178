//! Integration tests of the use cases over real SQLite homes in temporary directories.

mod forks;
mod homes;
mod join;
mod net;
mod writers;
