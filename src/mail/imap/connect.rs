//! Opening an authenticated IMAP session: TCP, TLS (rustls with the webpki roots) or STARTTLS,
//! then LOGIN or XOAUTH2; every step bounded by a timeout so a dead server cannot hang intake.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

use super::{Auth, ImapError, ImapSettings, Security};

/// Any byte stream an IMAP session can run on (plain TCP or TLS).
pub trait ImapStream: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> ImapStream for T {}

/// An authenticated session.
pub type Session = async_imap::Session<Box<dyn ImapStream>>;

/// Bound on connecting and logging in.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Connects and logs in.
pub async fn connect(s: &ImapSettings) -> Result<Session, ImapError> {
    tokio::time::timeout(CONNECT_TIMEOUT, connect_inner(s))
        .await
        .map_err(|_| ImapError::Timeout("connect and login"))?
}

async fn connect_inner(s: &ImapSettings) -> Result<Session, ImapError> {
    let addr = format!("{}:{}", s.host, s.port);
    let tcp = TcpStream::connect(&addr)
        .await
        .map_err(|source| ImapError::Connect {
            addr: addr.clone(),
            source,
        })?;
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn ImapStream> = match s.security {
        Security::Implicit => Box::new(tls(s, tcp).await?),
        Security::Plain | Security::StartTls => Box::new(tcp),
    };
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await
        .map_err(|e| ImapError::Connect {
            addr: addr.clone(),
            source: e,
        })?
        .ok_or(ImapError::Protocol(
            async_imap::error::Error::ConnectionLost,
        ))?;
    if s.security == Security::StartTls {
        client.run_command_and_check_ok("STARTTLS", None).await?;
        let tcp = client.into_inner();
        let stream: Box<dyn ImapStream> = Box::new(tls(s, tcp).await?);
        client = async_imap::Client::new(stream);
    }
    let session = match &s.auth {
        Auth::Login(password) => client
            .login(&s.user, password.expose())
            .await
            .map_err(|(e, _)| ImapError::Auth(e.to_string()))?,
        Auth::XOAuth2Token(token) => client
            .authenticate("XOAUTH2", XOAuth2::new(&s.user, token.expose()))
            .await
            .map_err(|(e, _)| ImapError::Auth(e.to_string()))?,
        Auth::XOAuth2Command(command) => {
            let token = token_from_command(command).await?;
            client
                .authenticate("XOAUTH2", XOAuth2::new(&s.user, &token))
                .await
                .map_err(|(e, _)| ImapError::Auth(e.to_string()))?
        }
    };
    Ok(session)
}

/// The current XOAUTH2 token of a token source (for SMTP too).
pub async fn token(auth: &Auth) -> Result<Option<String>, ImapError> {
    Ok(match auth {
        Auth::Login(_) => None,
        Auth::XOAuth2Token(t) => Some(t.expose().to_string()),
        Auth::XOAuth2Command(c) => Some(token_from_command(c).await?),
    })
}

/// Runs the token command (`sh -c`) and takes its first line.
async fn token_from_command(command: &str) -> Result<String, ImapError> {
    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .output()
        .await
        .map_err(|e| ImapError::TokenCommand(e.to_string()))?;
    if !out.status.success() {
        return Err(ImapError::TokenCommand(format!(
            "exit status {}",
            out.status
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.is_empty() {
        return Err(ImapError::TokenCommand("printed no token".to_string()));
    }
    Ok(token)
}

/// The SASL XOAUTH2 initial response.
struct XOAuth2 {
    response: String,
}

impl XOAuth2 {
    fn new(user: &str, token: &str) -> XOAuth2 {
        XOAuth2 {
            response: format!("user={user}\x01auth=Bearer {token}\x01\x01"),
        }
    }
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        // A second challenge is the server's error report: answer empty to get the NO.
        std::mem::take(&mut self.response)
    }
}

/// Wraps a stream in TLS, checking the server name against the webpki roots (and the configured
/// extra CA).
async fn tls<S: AsyncRead + AsyncWrite + Unpin>(
    s: &ImapSettings,
    stream: S,
) -> Result<tokio_rustls::client::TlsStream<S>, ImapError> {
    use rustls::pki_types::pem::PemObject;
    let host = s.host.as_str();
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &s.ca_file {
        let shown = path.display().to_string();
        let pem =
            std::fs::read(path).map_err(|e| ImapError::CaFile(shown.clone(), e.to_string()))?;
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| ImapError::CaFile(shown.clone(), e.to_string()))?;
            roots
                .add(cert)
                .map_err(|e| ImapError::CaFile(shown.clone(), e.to_string()))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ImapError::Tls(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| ImapError::Tls(e.to_string()))?;
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, stream)
        .await
        .map_err(|e| ImapError::Tls(e.to_string()))
}
