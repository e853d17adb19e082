//! One SMTP connection, opened on first use, kept and reused for every message, reopened when it
//! broke. The socket is ours, with TCP_NODELAY: lettre 0.11.23 leaves Nagle on, and it writes the
//! body and the final `.` as two writes, so every message waited ~40 ms for the server's delayed
//! ACK before its `250` (fixed upstream in lettre#1159, unreleased). lettre's `pool` would reuse
//! connections too, but it opens them itself, without TCP_NODELAY; so the socket is handed to
//! lettre's connection (`connect_with_transport`), which does EHLO, STARTTLS, AUTH and the
//! transaction. When a lettre release sets TCP_NODELAY, this file can become its pool.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

use super::SmtpError;
use crate::config::Secret;
use crate::mail::imap::{self, Auth};

/// Bound on connecting, greeting, TLS and login.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);

/// Bound on the answer to the end of a message (RFC 5321 allows the server 10 min; a server this
/// slow is treated as down and the job retried, looked up first).
const SEND_TIMEOUT: Duration = Duration::from_secs(300);

/// Bound on MAIL, RCPT and DATA together.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is protected (from the URL, as lettre's `from_url` reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tls {
    /// `smtp://` without `tls`: plain (loopback only, checked by the caller).
    None,
    /// `?tls=opportunistic`: STARTTLS when offered.
    Opportunistic,
    /// `?tls=required`: STARTTLS or no connection.
    Required,
    /// `smtps://`: TLS from the first byte.
    Implicit,
}

/// How to log in.
#[derive(Clone)]
pub(super) enum Login {
    None,
    Password(String, Secret),
    /// XOAUTH2 with a token taken afresh from the IMAP token source at every connection.
    XOAuth2(String, Auth),
}

/// Where and how to connect.
#[derive(Clone)]
pub(super) struct Endpoint {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub hello: ClientId,
    pub login: Login,
}

impl Endpoint {
    /// From an `smtp[s]://[USER@]HOST[:PORT][/EHLO-NAME][?tls=required|opportunistic]` URL.
    pub fn from_url(url: &url::Url) -> Result<(Endpoint, String), SmtpError> {
        let bad = |m: &str| SmtpError::Url(m.to_string());
        let host = url
            .host_str()
            .ok_or_else(|| bad("no host"))?
            .trim_matches(['[', ']'])
            .to_string();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_string());
        let (tls, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Tls::None, 25),
            ("smtp", Some("required")) => (Tls::Required, 587),
            ("smtp", Some("opportunistic")) => (Tls::Opportunistic, 587),
            ("smtps", _) => (Tls::Implicit, 465),
            (scheme, tls) => {
                return Err(SmtpError::Url(format!(
                    "unknown scheme {scheme} or tls={}",
                    tls.unwrap_or("")
                )))
            }
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        let user = percent_encoding::percent_decode_str(url.username())
            .decode_utf8_lossy()
            .to_string();
        let endpoint = Endpoint {
            host,
            port: url.port().unwrap_or(default_port),
            tls,
            hello,
            login: Login::None,
        };
        Ok((endpoint, user))
    }

    async fn open(&self) -> Result<AsyncSmtpConnection, String> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| format!("cannot connect to {}:{}: {e}", self.host, self.port))?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let stream: Box<dyn AsyncTokioStream> = match self.tls {
            Tls::Implicit => Box::new(TlsTcp(implicit_tls(&self.host, tcp).await?)),
            _ => Box::new(tcp),
        };
        let mut conn = AsyncSmtpConnection::connect_with_transport(stream, &self.hello)
            .await
            .map_err(|e| e.to_string())?;
        let starttls = match self.tls {
            Tls::Required => true,
            Tls::Opportunistic => conn.can_starttls(),
            Tls::None | Tls::Implicit => false,
        };
        if starttls {
            let params = TlsParameters::new(self.host.clone()).map_err(|e| e.to_string())?;
            conn.starttls(params, &self.hello)
                .await
                .map_err(|e| e.to_string())?;
        }
        let (credentials, mechanisms) = match &self.login {
            Login::None => return Ok(conn),
            Login::Password(user, password) => (
                Credentials::new(user.clone(), password.expose().to_string()),
                vec![Mechanism::Plain, Mechanism::Login],
            ),
            Login::XOAuth2(user, auth) => {
                let token = imap::connect::token(auth)
                    .await
                    .map_err(|e| e.to_string())?
                    .unwrap_or_default();
                (
                    Credentials::new(user.clone(), token),
                    vec![Mechanism::Xoauth2],
                )
            }
        };
        conn.auth(&mechanisms, &credentials)
            .await
            .map_err(|e| e.to_string())?;
        Ok(conn)
    }
}

/// Why a message did not go.
#[derive(Debug)]
pub(super) enum SendError {
    /// The server refused it for good (5xx).
    Permanent(String),
    /// Anything else: connection, timeout, 4xx.
    Temporary(String),
}

impl From<lettre::transport::smtp::Error> for SendError {
    fn from(e: lettre::transport::smtp::Error) -> SendError {
        if e.is_permanent() {
            SendError::Permanent(e.to_string())
        } else {
            SendError::Temporary(e.to_string())
        }
    }
}

/// How far a transaction went before it failed.
enum Failed {
    /// Before the message's content was written: it certainly did not leave. `closed`: the
    /// connection failed (an I/O error, not a reply code).
    BeforeData { error: SendError, closed: bool },
    /// While or after the content was written: it may have left.
    AfterData(SendError),
}

/// The one connection, shared by the jobs in flight (one transaction at a time).
pub(super) struct Link {
    endpoint: Endpoint,
    held: tokio::sync::Mutex<Option<AsyncSmtpConnection>>,
}

impl Link {
    pub fn new(endpoint: Endpoint) -> Link {
        Link {
            endpoint,
            held: tokio::sync::Mutex::new(None),
        }
    }

    /// One message over the kept connection (opened or reopened as needed); returns once the
    /// server answered the final dot. A kept connection the server closed meanwhile fails
    /// before the content is written: the message is then sent over a new connection at once.
    pub async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        let mut held = self.held.lock().await;
        let (mut conn, reused) = match held.take() {
            Some(conn) => (conn, true),
            None => (self.connect().await?, false),
        };
        let mut outcome = transaction(&mut conn, envelope, raw).await;
        if let (
            true,
            Err(Failed::BeforeData {
                closed: true,
                error,
            }),
        ) = (reused, &outcome)
        {
            tracing::debug!(?error, "kept smtp connection was closed: reopening");
            conn = self.connect().await?;
            outcome = transaction(&mut conn, envelope, raw).await;
        }
        match outcome {
            Ok(()) => {
                *held = Some(conn);
                Ok(())
            }
            // After any failure the connection is dropped (no RSET dance).
            Err(Failed::BeforeData { error, .. } | Failed::AfterData(error)) => Err(error),
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        tokio::time::timeout(CONNECT_TIMEOUT, self.endpoint.open())
            .await
            .map_err(|_| SendError::Temporary("smtp connect timed out".to_string()))?
            .map_err(SendError::Temporary)
    }
}

/// MAIL, RCPT, DATA, then the content — what lettre's `send` does, in steps, so that a failure
/// is known to be before or after the content left. 8BITMIME and SMTPUTF8 as lettre asks them.
async fn transaction(
    conn: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    raw: &[u8],
) -> Result<(), Failed> {
    let mut options = Vec::new();
    let addresses = envelope.from().into_iter().chain(envelope.to());
    if addresses
        .clone()
        .any(|a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii())
    {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(Failed::AfterData(SendError::Permanent(
                "non-ASCII address and the server has no SMTPUTF8".to_string(),
            )));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !raw.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(Failed::AfterData(SendError::Permanent(
                "8-bit message and the server has no 8BITMIME".to_string(),
            )));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let envelope_steps = async {
        conn.command(Mail::new(envelope.from().cloned(), options))
            .await?;
        for to in envelope.to() {
            conn.command(Rcpt::new(to.clone(), Vec::new())).await?;
        }
        conn.command(Data).await
    };
    match tokio::time::timeout(COMMAND_TIMEOUT, envelope_steps).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            return Err(Failed::BeforeData {
                closed: !e.is_permanent() && !e.is_transient(),
                error: e.into(),
            })
        }
        Err(_) => {
            return Err(Failed::BeforeData {
                error: SendError::Temporary("smtp server did not answer".to_string()),
                closed: false,
            })
        }
    }
    match tokio::time::timeout(SEND_TIMEOUT, conn.message(raw)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(Failed::AfterData(e.into())),
        Err(_) => Err(Failed::AfterData(SendError::Temporary(
            "no answer to the end of the message".to_string(),
        ))),
    }
}

/// TLS from the first byte (`smtps://`), checked against the webpki roots, on our socket.
async fn implicit_tls(
    host: &str,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name =
        rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS: {e}"))
}

/// Our TLS stream as lettre's stream type.
#[derive(Debug)]
struct TlsTcp(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncRead for TlsTcp {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsTcp {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsTcp {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}
