//! MySQL and MariaDB clients: `-pSECRET` (attached; `-p` alone prompts) and
//! `--password=SECRET`.

use super::options::{self, ShortP};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;

pub static TOOL: Tool = Tool {
    names: &[
        "mysql",
        "mysqldump",
        "mysqladmin",
        "mysqlimport",
        "mariadb",
        "mariadb-dump",
        "mariadb-admin",
    ],
    triggers: &["mysql", "mariadb"],
    check: None,
    detect,
    examples: &[
        "mysql -uroot -pRootPw1 -e 'select 1'",
        "mysqldump --password=dumppw db > /dump.sql",
    ],
    persist: None,
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    options::detect(f, inv, inv.host, ShortP::Attached);
}
