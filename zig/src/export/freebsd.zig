//! freebsd exports: argument decoding and status encoding only.
//! Mechanisms are added under ../freebsd/ as the backend grows.
