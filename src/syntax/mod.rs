//! Lossless, BuildKit-faithful Dockerfile syntax layer.
