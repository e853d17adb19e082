//! Real mail servers on loopback, one set per test: a Dovecot (IMAP, passwd-file users
//! `accueil@example.test` and `citoyen@example.test`, maildir) started from a config in a temp
//! dir on a free port, and an aiosmtpd SMTP receiver writing every message it accepts into the
//! citizen's maildir, so a test reads over IMAP what the citizen received.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use guichet::config::{Config, Secret};
use guichet::mail::imap::{self, ImapSettings, Session};
use guichet::pipeline::{Knowledge, Pipeline};
use guichet::service::MailChannel;
use guichet::store::Store;

pub const SHARED: &str = "accueil@example.test";
pub const CITIZEN: &str = "citoyen@example.test";
/// A second account of the territory (the pool's), for several mailboxes on two accounts.
pub const POOL: &str = "piscine@example.test";
pub const PASSWORD: &str = "secret-de-test";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// The `vmail` system user Dovecot stores mail as (it refuses uid 0), created when missing.
pub fn vmail() -> (u32, u32) {
    let id = |flag: &str| run(Command::new("id").args([flag, "vmail"]));
    if !id("-u").status.success() {
        let out = run(Command::new("useradd").args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "vmail",
        ]));
        let again = id("-u");
        assert!(
            again.status.success(),
            "the mail tests need a `vmail` user (run as root, or `useradd --system vmail`): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let num = |flag: &str| -> u32 {
        String::from_utf8_lossy(&id(flag).stdout)
            .trim()
            .parse()
            .expect("numeric id")
    };
    (num("-u"), num("-g"))
}

fn dovecot_binary() -> PathBuf {
    for p in ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("the mail tests need Dovecot: install the Debian package dovecot-imapd (scripts/test does it as root)");
}

/// One Dovecot and one SMTP receiver, stopped on drop.
pub struct MailServers {
    pub dir: tempfile::TempDir,
    pub imap_port: u16,
    /// Implicit TLS port (0 without TLS).
    pub imaps_port: u16,
    pub smtp_port: u16,
    conf: PathBuf,
    dovecot: Option<Child>,
    smtp: Option<Child>,
    oauth: Option<Child>,
}

impl MailServers {
    /// Maildir servers (tests).
    pub fn start() -> MailServers {
        MailServers::start_with("maildir:~/Maildir")
    }

    /// Servers with a given `mail_location` (the benchmark uses sdbox for fast APPEND).
    pub fn start_with(mail_location: &str) -> MailServers {
        MailServers::start_full(mail_location, false, false)
    }

    /// Maildir servers that also accept XOAUTH2: the token `good-token` is valid for the shared
    /// mailbox (checked by a small introspection endpoint, as an OAuth provider would).
    pub fn start_oauth() -> MailServers {
        MailServers::start_full("maildir:~/Maildir", false, true)
    }

    /// Maildir servers whose IMAP also speaks TLS: STARTTLS on `imap_port`, implicit TLS on
    /// `imaps_port`, with a certificate for `localhost` signed by the test CA in `ca.pem`.
    pub fn start_tls() -> MailServers {
        MailServers::start_full("maildir:~/Maildir", true, false)
    }

    fn start_full(mail_location: &str, tls: bool, oauth: bool) -> MailServers {
        let (uid, gid) = vmail();
        let dir = tempfile::Builder::new()
            .prefix("guichet-mail-")
            .tempdir()
            .expect("temp dir");
        let root = dir.path();
        chmod(root, 0o755);
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        std::fs::write(
            root.join("users"),
            format!(
                "{SHARED}:{{PLAIN}}{PASSWORD}::::::\n{CITIZEN}:{{PLAIN}}{PASSWORD}::::::\n\
                 {POOL}:{{PLAIN}}{PASSWORD}::::::\n"
            ),
        )
        .expect("users");
        chown(&root.join("mail"), uid, gid);
        let imap_port = free_port();
        let imaps_port = if tls { free_port() } else { 0 };
        let ssl = if tls {
            make_certificates(root);
            format!(
                "yes\nssl_cert = <{0}/leaf.pem\nssl_key = <{0}/leaf.key",
                root.display()
            )
        } else {
            "no".to_string()
        };
        let conf = root.join("dovecot.conf");
        let r = root.display();
        let (oauth_child, oauth_passdb) = if oauth {
            let port = free_port();
            std::fs::write(
                root.join("oauth2.conf.ext"),
                format!(
                    "introspection_mode = post\nintrospection_url = http://127.0.0.1:{port}/\n\
                     username_attribute = username\nactive_attribute = active\nactive_value = true\n"
                ),
            )
            .expect("oauth2 conf");
            let child = Command::new("/usr/bin/python3")
                .arg("-c")
                .arg(INTROSPECTION)
                .arg(port.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("introspection endpoint");
            wait_port(port, "introspection endpoint", root);
            (
                Some(child),
                format!(
                    "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {r}/oauth2.conf.ext\n}}\n"
                ),
            )
        } else {
            (None, String::new())
        };
        std::fs::write(
            &conf,
            format!(
                r#"instance_name = guichet-test-{imap_port}
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = {ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = {mail_location}
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 1
mail_fsync = never
{oauth_passdb}passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {r}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={r}/mail/%u allow_all_users=yes
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service anvil {{
  client_limit = 200
}}
protocol imap {{
  mail_max_userip_connections = 200
}}
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \Sent
    auto = subscribe
  }}
}}
"#
            ),
        )
        .expect("dovecot.conf");
        // The citizen's maildir exists before the SMTP receiver writes into it.
        let citizen = root.join("mail").join(CITIZEN).join("Maildir");
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(citizen.join(sub)).expect("maildir");
        }
        for d in [
            root.join("mail").join(CITIZEN),
            citizen.clone(),
            citizen.join("cur"),
            citizen.join("new"),
            citizen.join("tmp"),
        ] {
            chown(&d, uid, gid);
        }
        let mut servers = MailServers {
            imap_port,
            imaps_port,
            smtp_port: free_port(),
            conf,
            dovecot: None,
            smtp: None,
            oauth: oauth_child,
            dir,
        };
        servers.start_dovecot();
        servers.start_smtp();
        servers
    }

    pub fn start_dovecot(&mut self) {
        let child = Command::new(dovecot_binary())
            .args(["-F", "-c"])
            .arg(&self.conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dovecot");
        self.dovecot = Some(child);
        wait_port(
            self.imap_port,
            "dovecot",
            &self.dir.path().join("dovecot.log"),
        );
    }

    /// Kills Dovecot hard (SIGKILL to the master; its processes follow).
    pub fn kill_dovecot(&mut self) {
        if let Some(mut c) = self.dovecot.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // Its login processes hold the listening socket a moment longer.
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10)
            && std::net::TcpStream::connect(("127.0.0.1", self.imap_port)).is_ok()
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn start_smtp(&mut self) {
        let (uid, gid) = vmail();
        let maildir = self.dir.path().join("mail").join(CITIZEN).join("Maildir");
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.smtp_port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .uid(uid)
            .gid(gid)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd (install python3-aiosmtpd)");
        self.smtp = Some(child);
        wait_port(self.smtp_port, "aiosmtpd", &maildir);
    }

    pub fn stop_smtp(&mut self) {
        if let Some(mut c) = self.smtp.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// `doveadm` against this instance.
    pub fn doveadm(&self, args: &[&str]) -> std::process::Output {
        run(Command::new("doveadm").arg("-c").arg(&self.conf).args(args))
    }

    /// The guichet configuration pointing at these servers.
    pub fn config(&self, db: &Path) -> Config {
        let mut config = Config {
            database_url: Some(format!("sqlite://{}", db.display())),
            ..Config::default()
        };
        config.mail.from = SHARED.to_string();
        config.mail.imap_url = Some(format!(
            "imap://accueil%40example.test@127.0.0.1:{}/INBOX",
            self.imap_port
        ));
        config.mail.imap_password = Some(Secret::new(PASSWORD));
        config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{}", self.smtp_port));
        config.mail.batch_size = 50;
        config
    }

    pub fn settings(&self, user: &str) -> ImapSettings {
        let mut config = self.config(Path::new("/nonexistent"));
        config.mail.imap_url = Some(format!(
            "imap://{}@127.0.0.1:{}/INBOX",
            user.replace('@', "%40"),
            self.imap_port
        ));
        ImapSettings::from_config(&config.mail).expect("settings")
    }

    pub async fn session(&self, user: &str) -> Session {
        imap::connect(&self.settings(user)).await.expect("login")
    }
}

impl Drop for MailServers {
    fn drop(&mut self) {
        self.stop_smtp();
        self.kill_dovecot();
        if let Some(mut c) = self.oauth.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn chown(p: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(p, Some(uid), Some(gid)).expect("chown");
}

/// A token introspection endpoint (RFC 7662 style): `good-token` is active for the shared mailbox.
const INTROSPECTION: &str = r#"
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0)).decode()
        ok = 'good-token' in body or 'good-token' in (self.headers.get('Authorization') or '')
        reply = {'active': 'true', 'username': 'accueil@example.test'} if ok else {'active': 'false'}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST
    def log_message(self, *a):
        pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
"#;

/// A test CA and a `localhost` leaf certificate it signed (openssl CLI).
fn make_certificates(root: &Path) {
    let r = root.display();
    let script = format!(
        "set -e; cd {r}; \
         openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=guichet-test-ca 2>/dev/null; \
         openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=localhost 2>/dev/null; \
         printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > leaf.ext; \
         openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile leaf.ext 2>/dev/null"
    );
    let out = run(Command::new("sh").arg("-c").arg(script));
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn wait_port(port: u16, what: &str, log: &Path) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "{what} did not listen on {port}: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// A guichet mail channel on a fresh SQLite ledger.
pub struct Guichet {
    pub config: Config,
    pub _db: tempfile::TempDir,
}

impl Guichet {
    pub fn new(servers: &MailServers) -> Guichet {
        let db = tempfile::tempdir().expect("db dir");
        let config = servers.config(&db.path().join("guichet.db"));
        Guichet { config, _db: db }
    }

    pub async fn channel(&self) -> MailChannel {
        let knowledge = Knowledge::load(&self.config).expect("knowledge");
        let store = Store::open(&self.config.database_url())
            .await
            .expect("store");
        MailChannel::from_config(&self.config, Pipeline::new(store, knowledge))
            .await
            .expect("mail channel")
    }
}

/// APPENDs a mail to a user's folder, with an optional INTERNALDATE (`"01-Jan-2026 10:00:00 +0000"`).
pub async fn append(session: &mut Session, folder: &str, raw: &[u8], date: Option<&str>) {
    let date = date.map(|d| format!("\"{d}\""));
    session
        .append(folder, None, date.as_deref(), raw)
        .await
        .expect("append");
}

/// Every message in a user's folder: (flags, raw).
pub async fn messages(session: &mut Session, folder: &str) -> Vec<(Vec<String>, Vec<u8>)> {
    let mailbox = session.select(folder).await.expect("select");
    if mailbox.exists == 0 {
        return Vec::new();
    }
    let fetched: Vec<_> = session
        .fetch("1:*", "(FLAGS BODY.PEEK[])")
        .await
        .expect("fetch")
        .try_collect()
        .await
        .expect("fetch stream");
    fetched
        .iter()
        .map(|f| {
            (
                f.flags().map(|fl| format!("{fl:?}")).collect(),
                f.body().unwrap_or_default().to_vec(),
            )
        })
        .collect()
}

/// Waits until `check` holds, up to `limit`.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A plain citizen mail.
pub fn mail(n: usize, from: &str, subject: &str, body: &str, extra: &str) -> Vec<u8> {
    format!(
        "From: Citoyen {n} <{from}>\r\nTo: {SHARED}\r\nSubject: {subject}\r\n\
         Message-ID: <m{n}.{}@example.net>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n{extra}\r\n{body}\r\n",
        std::process::id()
    )
    .into_bytes()
}
