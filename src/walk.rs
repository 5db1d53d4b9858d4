//! Finding Dockerfiles: explicit files as given, directories walked with the
//! `ignore` crate (honouring `.gitignore` and `.ignore` unless told not to).

use std::path::PathBuf;

/// A Dockerfile by its name: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
/// `*.dockerfile`, `Containerfile`, `Containerfile.*`.
pub fn is_dockerfile_name(name: &str) -> bool {
    name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
}

/// The files to process, sorted, and one error line per path that could not
/// be read.
pub fn find(paths: &[PathBuf], no_ignore: bool) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if !path.is_dir() {
            // Named explicitly: processed whatever its name; errors come later.
            files.push(path.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .standard_filters(!no_ignore)
            .hidden(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file() || t.is_symlink());
                    let named = e.file_name().to_str().is_some_and(is_dockerfile_name);
                    if is_file && named {
                        files.push(e.into_path());
                    }
                }
                Err(err) => errors.push(format!("{}: {}", path.display(), one_line(&err))),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn one_line(err: &ignore::Error) -> String {
    err.to_string().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

    #[test]
    fn dockerfile_names() {
        for n in [
            "Dockerfile",
            "Dockerfile.dev",
            "app.Dockerfile",
            "x.dockerfile",
            "Containerfile",
            "Containerfile.ci",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "dockerfile-parser.rs",
            "Dockerfiles",
            "README.md",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
    }
}
