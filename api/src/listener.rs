//! Closing the listening socket at shutdown without losing a connection it already took.
//!
//! A listening socket that is simply closed resets every connection still waiting in its accept
//! queue, and a stopping HTTP server drops connections whose request it has not started. A
//! proxy has usually sent its request on such a connection already, and it does not resend a
//! POST: the client gets 502 for work that was never done. So the socket is closed in steps:
//!
//! 1. [`ListenerGate::hold_new`]: a socket filter drops every new connection's packets (on
//!    Linux), so no connection joins the queue; a peer's SYN goes unanswered, and its retry a
//!    second later finds the port closed and is refused at once. The server keeps accepting
//!    what is queued and starts those requests.
//! 2. The server stops accepting (`pause`), then [`ListenerGate::close`] shuts the listening
//!    socket down, so that new connections are refused outright and a proxy passes them to
//!    another replica at once (nothing was sent yet, so even a POST is safe to pass on).

use std::net::TcpListener;

/// The listening socket's descriptor, kept to close it in steps. The server owns the socket;
/// the gate acts on it only before the server is stopped, while it is certainly open.
#[derive(Clone, Copy, Debug)]
pub struct ListenerGate {
    #[cfg(unix)]
    fd: std::os::fd::RawFd,
}

impl ListenerGate {
    pub fn of(listener: &TcpListener) -> Self {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            Self {
                fd: listener.as_raw_fd(),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = listener;
            Self {}
        }
    }

    /// No new connection gets through: their packets are dropped before the handshake ends.
    /// Connections already queued or accepted are not affected. A no-op where socket filters
    /// do not exist.
    pub fn hold_new(self) {
        #[cfg(target_os = "linux")]
        {
            // One classic BPF instruction, `ret #0`: keep nothing of any packet.
            let drop_all = [libc::sock_filter {
                code: (libc::BPF_RET | libc::BPF_K) as u16,
                jt: 0,
                jf: 0,
                k: 0,
            }];
            let program = libc::sock_fprog {
                len: 1,
                filter: drop_all.as_ptr().cast_mut(),
            };
            // SAFETY: `fd` is the server's listening socket, still open (the server is stopped
            // only after this); the program and its one instruction outlive the call, which
            // copies them into the kernel.
            let rc = unsafe {
                libc::setsockopt(
                    self.fd,
                    libc::SOL_SOCKET,
                    libc::SO_ATTACH_FILTER,
                    std::ptr::from_ref(&program).cast(),
                    std::mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
                )
            };
            if rc != 0 {
                tracing::warn!(
                    error = %std::io::Error::last_os_error(),
                    "could not hold new connections at shutdown"
                );
            }
        }
    }

    /// Shuts the listening socket down: from now on a new connection is refused at once. Its
    /// accept queue must be empty by now ([`Self::hold_new`], then time for the server to
    /// accept what was queued), or those connections are reset.
    pub fn close(self) {
        #[cfg(unix)]
        {
            // SAFETY: as above, the socket is still open; shutting down a listening socket only
            // ends its listening, and the server closes the descriptor itself later.
            let rc = unsafe { libc::shutdown(self.fd, libc::SHUT_RD) };
            if rc != 0 {
                tracing::debug!(
                    error = %std::io::Error::last_os_error(),
                    "the listening socket could not be shut down"
                );
            }
        }
    }
}
