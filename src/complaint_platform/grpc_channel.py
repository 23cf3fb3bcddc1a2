"""Client channels to the services' gRPC endpoints, for every command-line tool.

Plaintext by default (the embedded stack); TLS with ``--ca`` (the CA that signed the services'
certificates) or ``--tls`` (the system's CAs); mutual TLS with ``--cert`` and ``--key`` too (a
service started with ``GRPC_TLS_CLIENT_CA_FILE``). The same options read ``COMPLAINTS_GRPC_CA``,
``COMPLAINTS_GRPC_CERT``, ``COMPLAINTS_GRPC_KEY`` and ``COMPLAINTS_GRPC_SERVER_NAME``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass

import grpc


@dataclass(frozen=True)
class ChannelSecurity:
    """How a client reaches a service: empty fields mean plaintext."""

    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    tls: bool = False           # TLS with the system's CAs when no ca_file is given
    server_name: str = ""       # the name the certificate must carry when the target differs (port-forward)

    @property
    def uses_tls(self) -> bool:
        return self.tls or bool(self.ca_file or self.cert_file or self.key_file)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ChannelSecurity:
        env = os.environ if env is None else env
        return cls(env.get("COMPLAINTS_GRPC_CA", ""), env.get("COMPLAINTS_GRPC_CERT", ""),
                   env.get("COMPLAINTS_GRPC_KEY", ""), server_name=env.get("COMPLAINTS_GRPC_SERVER_NAME", ""))


def channel_credentials(security: ChannelSecurity) -> grpc.ChannelCredentials:
    """TLS credentials; raises ValueError naming the option whose file cannot be used."""
    if bool(security.cert_file) != bool(security.key_file):
        raise ValueError("--cert and --key go together (mutual TLS); only one is set")
    return grpc.ssl_channel_credentials(
        root_certificates=read_pem(security.ca_file, "--ca") if security.ca_file else None,
        private_key=read_pem(security.key_file, "--key") if security.key_file else None,
        certificate_chain=read_pem(security.cert_file, "--cert") if security.cert_file else None)


def open_channel(target: str, security: ChannelSecurity = ChannelSecurity(),
                 options: tuple[tuple[str, object], ...] = ()) -> grpc.Channel:
    """A blocking-API channel to ``target`` (host:port), secured as ``security`` says."""
    if not security.uses_tls:
        return grpc.insecure_channel(target, options=options)
    extra = (("grpc.ssl_target_name_override", security.server_name),) if security.server_name else ()
    return grpc.secure_channel(target, channel_credentials(security), options=(*options, *extra))


def add_tls_arguments(parser: argparse.ArgumentParser) -> None:
    """``--ca``, ``--cert``, ``--key``, ``--tls``, ``--server-name`` on an argparse (sub)parser."""
    defaults = ChannelSecurity.from_env()
    group = parser.add_argument_group("TLS", "plaintext unless one of these is given")
    group.add_argument("--ca", default=defaults.ca_file, metavar="FILE",
                       help="PEM CA that signed the service's certificate: TLS (default: $COMPLAINTS_GRPC_CA)")
    group.add_argument("--cert", default=defaults.cert_file, metavar="FILE",
                       help="PEM client certificate for mutual TLS (default: $COMPLAINTS_GRPC_CERT)")
    group.add_argument("--key", default=defaults.key_file, metavar="FILE",
                       help="PEM private key of --cert (default: $COMPLAINTS_GRPC_KEY)")
    group.add_argument("--tls", action="store_true", help="TLS with the system's CAs (without --ca)")
    group.add_argument("--server-name", default=defaults.server_name, metavar="NAME",
                       help="name on the service's certificate when --target differs, e.g. through "
                            "kubectl port-forward (default: $COMPLAINTS_GRPC_SERVER_NAME)")


def security_from(args: argparse.Namespace) -> ChannelSecurity:
    """The ChannelSecurity the options of ``add_tls_arguments`` describe."""
    return ChannelSecurity(args.ca or "", args.cert or "", args.key or "", bool(args.tls), args.server_name or "")


def read_pem(path: str, option: str) -> bytes:
    """A certificate or key file's bytes; ValueError naming the option or variable it came from."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise ValueError(f"{option}: cannot read {path} ({error.strerror})") from None
