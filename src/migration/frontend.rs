//! Whether a Dockerfile's frontend can put a secret straight into a RUN's
//! environment (`--mount=type=secret,id=X,env=X`, Dockerfile frontend 1.10):
//! only when its `# syntax=` directive pins 1.10 or newer. A floating `:1`
//! or no directive at all may be an older builder's built-in frontend.

use crate::syntax::Dockerfile;

/// The first frontend that knows `env=` on secret mounts.
const ENV_MOUNT_SINCE: (u32, u32) = (1, 10);

/// `# syntax=docker/dockerfile:1.10` (or newer, `-labs` too) is there.
pub fn sets_secret_env(d: &Dockerfile<'_>) -> bool {
    d.directives
        .iter()
        .filter(|x| x.name == "syntax")
        .any(|x| pinned_version(&x.value).is_some_and(|v| v >= ENV_MOUNT_SINCE))
}

/// The `major.minor` an image reference of the Dockerfile frontend pins
/// (`docker/dockerfile:1.10.0`, `docker.io/docker/dockerfile:1.12-labs`,
/// with or without `@sha256:...`); `None` for another image or no minor.
fn pinned_version(reference: &str) -> Option<(u32, u32)> {
    let reference = reference.trim();
    let reference = reference.split('@').next()?;
    let (name, tag) = reference.rsplit_once(':')?;
    let name = name.trim_start_matches("docker.io/");
    if name != "docker/dockerfile" && name != "docker/dockerfile-upstream" {
        return None;
    }
    let version = tag.split('-').next()?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::pinned_version;

    #[test]
    fn reads_the_pinned_frontend_version() {
        assert_eq!(pinned_version("docker/dockerfile:1.10"), Some((1, 10)));
        assert_eq!(
            pinned_version("docker/dockerfile:1.12.1-labs"),
            Some((1, 12))
        );
        assert_eq!(
            pinned_version("docker.io/docker/dockerfile:1.4@sha256:abc"),
            Some((1, 4))
        );
        assert_eq!(pinned_version("docker/dockerfile:1"), None);
        assert_eq!(pinned_version("example.com/frontend:2.0"), None);
    }
}
