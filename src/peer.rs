//! Whose program is at the other end of a loopback connection. On Linux the kernel
//! lists every TCP socket with its owner's uid in /proc/net/tcp and tcp6; the
//! connecting socket is the one whose local address is the connection's peer and
//! whose remote address is our end. Other systems say nothing, and each caller
//! decides what that means for it.

use std::net::{SocketAddr, TcpStream};

/// Whether the program that opened `stream` runs as this process's user; not known
/// (so `false`) off Linux.
pub fn is_this_user(stream: &TcpStream) -> bool {
    let (Ok(peer), Ok(ours)) = (stream.peer_addr(), stream.local_addr()) else {
        return false;
    };
    peer.ip().is_loopback() && runs_as_this_user(peer, ours) == Some(true)
}

/// Whether the socket at `peer`, connected to our `ours`, belongs to this process's
/// user: `None` where the system does not list sockets' owners (off Linux).
#[cfg(target_os = "linux")]
pub fn runs_as_this_user(peer: SocketAddr, ours: SocketAddr) -> Option<bool> {
    let table = match peer {
        SocketAddr::V4(_) => "/proc/net/tcp",
        SocketAddr::V6(_) => "/proc/net/tcp6",
    };
    let owner = std::fs::read_to_string(table)
        .ok()
        .and_then(|text| owner_in(&text, peer, ours));
    Some(owner == Some(rustix::process::geteuid().as_raw()))
}

#[cfg(not(target_os = "linux"))]
pub fn runs_as_this_user(_peer: SocketAddr, _ours: SocketAddr) -> Option<bool> {
    None
}

/// The uid of the socket at `local` connected to `remote`, in the text of
/// /proc/net/tcp: `sl local_address rem_address st queues timer retrnsmt uid ...`.
#[cfg(any(target_os = "linux", test))]
fn owner_in(table: &str, local: SocketAddr, remote: SocketAddr) -> Option<u32> {
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let matches = fields.get(1).and_then(|field| address(field)) == Some(local)
            && fields.get(2).and_then(|field| address(field)) == Some(remote);
        matches.then(|| fields.get(7)?.parse().ok()).flatten()
    })
}

/// `0100007F:1F90` (an IPv4 address as the kernel's 32-bit word, in hex, and the
/// port) or the same with four such words for IPv6.
#[cfg(any(target_os = "linux", test))]
fn address(field: &str) -> Option<SocketAddr> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    let (ip, port) = field.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |index: usize| -> Option<[u8; 4]> {
        let hex = ip.get(index * 8..index * 8 + 8)?;
        Some(u32::from_str_radix(hex, 16).ok()?.to_ne_bytes())
    };
    let ip = match ip.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(0)?)),
        32 => {
            let mut octets = [0u8; 16];
            for index in 0..4 {
                octets[index * 4..index * 4 + 4].copy_from_slice(&word(index)?);
            }
            IpAddr::V6(Ipv6Addr::from(octets))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1
";

    fn at(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_connecting_socket_is_found_by_both_ends() {
        let client = at("127.0.0.1:50000");
        let server = at("127.0.0.1:8080");
        assert_eq!(owner_in(TABLE, client, server), Some(1000));
        assert_eq!(owner_in(TABLE, server, client), Some(0));
        assert_eq!(owner_in(TABLE, at("127.0.0.1:50001"), server), None);
    }

    #[test]
    fn ipv6_addresses_read_as_the_kernel_writes_them() {
        let loopback = "00000000000000000000000001000000:1F90";
        assert_eq!(address(loopback), Some(at("[::1]:8080")));
        assert_eq!(address("0100007F:1F90"), Some(at("127.0.0.1:8080")));
        assert_eq!(address("0100007F"), None);
        assert_eq!(address("0100007G:1F90"), None);
    }

    #[test]
    fn a_connection_of_this_process_is_this_users() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert_eq!(is_this_user(&accepted), cfg!(target_os = "linux"));
        drop(client);
    }
}
