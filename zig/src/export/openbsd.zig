//! openbsd exports: argument decoding and status encoding only.
//! Mechanisms are added under ../openbsd/ as the backend grows.
