//! darwin exports: argument decoding and status encoding only.
//! Mechanisms are added under ../darwin/ as the backend grows.
