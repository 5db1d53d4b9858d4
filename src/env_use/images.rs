//! Well-known images whose entrypoint or server reads secret variables when
//! the container starts: an `ENV MYSQL_ROOT_PASSWORD=...` on top of `mysql`
//! is for the container, whatever the build does.
//!
//! Where each entry comes from (the image's own documentation of its
//! environment variables):
//!
//! | image | source |
//! |---|---|
//! | mysql | docker-library/docs `mysql/content.md`, "Environment Variables" |
//! | mariadb | docker-library/docs `mariadb/content.md` (`MARIADB_*`, and the `MYSQL_*` names it still accepts) |
//! | postgres, postgis | docker-library/docs `postgres/content.md`; postgis/postgis runs the official image's entrypoint |
//! | mongo | docker-library/docs `mongo/content.md` |
//! | rabbitmq | docker-library/docs `rabbitmq/content.md` ("Setting default user and password", "Erlang Cookie") |
//! | redis | bitnami/containers `bitnami/redis/README.md` (the official image reads no variable: a `REDIS_PASSWORD` there is for a command of the container) |
//! | minio | MinIO's container documentation (`MINIO_ROOT_USER`/`MINIO_ROOT_PASSWORD`; `MINIO_ACCESS_KEY`/`MINIO_SECRET_KEY` before them) |
//! | keycloak | Keycloak's server guide, "Running Keycloak in a container" (`KC_BOOTSTRAP_ADMIN_*` from 26, `KEYCLOAK_ADMIN_*` before; `KC_DB_PASSWORD`); jboss/keycloak's README (`KEYCLOAK_PASSWORD`) |
//! | wordpress | docker-library/docs `wordpress/content.md` |
//! | mssql/server | Microsoft's SQL Server container documentation (`MSSQL_SA_PASSWORD`, formerly `SA_PASSWORD`) |
//! | influxdb | docker-library/docs `influxdb/content.md` (`DOCKER_INFLUXDB_INIT_*`) |
//! | grafana | Grafana's "Configure a Grafana Docker image" (`GF_<SECTION>_<KEY>`) |
//! | elasticsearch | Elastic's "Install Elasticsearch with Docker" (`ELASTIC_PASSWORD`) |
//! | couchdb | docker-library/docs `couchdb/content.md` |
//! | neo4j | docker-library/docs `neo4j/content.md` (`NEO4J_AUTH`) |
//!
//! Entries are keyed by the image's name without registry, namespace, tag
//! or digest (`docker.io/bitnami/mysql:8` is `mysql`), so an image of the
//! same name from another publisher counts too. Erring that way is safe: a
//! run-time secret is left as it is unless the user asks for
//! `--runtime-env`.

/// One image and the variables it reads (`*` at the end: a prefix).
struct Image {
    /// The last part of the image's name, or its last two (`mssql/server`).
    name: &'static str,
    vars: &'static [&'static str],
}

const IMAGES: &[Image] = &[
    Image {
        name: "mysql",
        vars: &["MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD"],
    },
    Image {
        name: "mysql-server",
        vars: &["MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD"],
    },
    Image {
        name: "mariadb",
        vars: &[
            "MARIADB_ROOT_PASSWORD",
            "MARIADB_ROOT_PASSWORD_HASH",
            "MARIADB_PASSWORD",
            "MARIADB_PASSWORD_HASH",
            "MYSQL_ROOT_PASSWORD",
            "MYSQL_PASSWORD",
        ],
    },
    Image {
        name: "postgres",
        vars: &["POSTGRES_PASSWORD"],
    },
    Image {
        name: "postgis",
        vars: &["POSTGRES_PASSWORD"],
    },
    Image {
        name: "mongo",
        vars: &["MONGO_INITDB_ROOT_PASSWORD"],
    },
    Image {
        name: "rabbitmq",
        vars: &["RABBITMQ_DEFAULT_PASS", "RABBITMQ_ERLANG_COOKIE"],
    },
    Image {
        name: "redis",
        vars: &["REDIS_PASSWORD"],
    },
    Image {
        name: "minio",
        vars: &["MINIO_ROOT_PASSWORD", "MINIO_SECRET_KEY"],
    },
    Image {
        name: "keycloak",
        vars: &[
            "KC_BOOTSTRAP_ADMIN_PASSWORD",
            "KEYCLOAK_ADMIN_PASSWORD",
            "KEYCLOAK_PASSWORD",
            "KC_DB_PASSWORD",
        ],
    },
    Image {
        name: "wordpress",
        vars: &[
            "WORDPRESS_DB_PASSWORD",
            "WORDPRESS_*_KEY",
            "WORDPRESS_*_SALT",
        ],
    },
    Image {
        name: "mssql/server",
        vars: &["MSSQL_SA_PASSWORD", "SA_PASSWORD"],
    },
    Image {
        name: "influxdb",
        vars: &["DOCKER_INFLUXDB_INIT_*"],
    },
    Image {
        name: "grafana",
        vars: &["GF_*"],
    },
    Image {
        name: "elasticsearch",
        vars: &["ELASTIC_PASSWORD"],
    },
    Image {
        name: "couchdb",
        vars: &["COUCHDB_PASSWORD", "COUCHDB_SECRET"],
    },
    Image {
        name: "neo4j",
        vars: &["NEO4J_AUTH"],
    },
];

/// `docker.io/library/mysql:8.0@sha256:...` → `library/mysql`, lower-cased.
fn repository(image: &str) -> String {
    let image = image.split('@').next().unwrap_or(image);
    // A tag is after the last `:` that follows the last `/` (a registry
    // port is before it).
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    let image = match image[slash..].find(':') {
        Some(colon) => &image[..slash + colon],
        None => image,
    };
    image.to_ascii_lowercase()
}

/// Whether `pattern` (an exact name, or with one `*`) matches `name`.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
    }
}

/// The name of the well-known image `image` (as written after `FROM`) if
/// it reads variable `name` when the container starts.
pub fn reads(image: &str, name: &str) -> Option<&'static str> {
    let repo = repository(image);
    IMAGES
        .iter()
        .find(|i| {
            repo == i.name
                || repo
                    .strip_suffix(i.name)
                    .is_some_and(|rest| rest.ends_with('/'))
        })
        .filter(|i| i.vars.iter().any(|p| matches(p, name)))
        .map(|i| i.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_without_registry_tag_and_digest() {
        for (image, name, want) in [
            ("mysql", "MYSQL_ROOT_PASSWORD", Some("mysql")),
            ("mysql:8.0", "MYSQL_PASSWORD", Some("mysql")),
            (
                "docker.io/library/mysql:8",
                "MYSQL_ROOT_PASSWORD",
                Some("mysql"),
            ),
            (
                "localhost:5000/bitnami/mysql",
                "MYSQL_ROOT_PASSWORD",
                Some("mysql"),
            ),
            (
                "MariaDB:11@sha256:abc",
                "MARIADB_ROOT_PASSWORD",
                Some("mariadb"),
            ),
            ("postgres:16-alpine", "POSTGRES_PASSWORD", Some("postgres")),
            (
                "mcr.microsoft.com/mssql/server:2022-latest",
                "MSSQL_SA_PASSWORD",
                Some("mssql/server"),
            ),
            (
                "grafana/grafana",
                "GF_SECURITY_ADMIN_PASSWORD",
                Some("grafana"),
            ),
            ("wordpress:6", "WORDPRESS_AUTH_KEY", Some("wordpress")),
            // Not a variable the image reads.
            ("postgres", "PGPASSWORD", None),
            ("mysql", "DB_PASSWORD", None),
            // Not the image: a name that only ends the same way.
            ("mymysql", "MYSQL_ROOT_PASSWORD", None),
            ("mysql-client", "MYSQL_ROOT_PASSWORD", None),
            ("ubuntu:22.04", "MYSQL_ROOT_PASSWORD", None),
            ("${BASE}", "MYSQL_ROOT_PASSWORD", None),
        ] {
            assert_eq!(reads(image, name), want, "{image} {name}");
        }
    }
}
