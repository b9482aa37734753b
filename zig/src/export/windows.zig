//! windows exports: argument decoding and status encoding only.
//! Mechanisms are added under ../windows/ as the backend grows.
