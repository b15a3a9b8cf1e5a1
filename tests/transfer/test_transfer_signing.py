"""The agency's signing key: kept in the OS keyring (a plain refusal without one), one key for all the
agency's PCs by passphrase-protected export and import, the printed key compared by its bytes."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring
from transfer_cases import transferred_case

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.store.models import AuditEvent
from enforcement_desk.transfer.service import (
    build_transfer_package,
    export_signing_key,
    import_signing_key,
    public_key,
    verify_transfer_package,
)

PASSPHRASE = "沂水卫监-2026-移送"


def _pc(tmp_path: Path, name: str) -> PlaintextKeyring:
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / name / "keyring_pass.cfg")
    return backend


@pytest.fixture
def restore_keyring():
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_the_refusal_says_so_in_plain_words(sqlite_office, tmp_path, restore_keyring):
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(DomainError, match="本机没有可用的系统密钥环"):
        public_key(sqlite_office.ctx, sqlite_office.head)


def test_a_key_exported_on_one_pc_signs_packages_on_another_with_the_same_fingerprint(
    sqlite_office, tmp_path, restore_keyring
):
    office = sqlite_office
    keyring.set_keyring(_pc(tmp_path, "first-pc"))
    pem, first_fingerprint = public_key(office.ctx, office.head)
    with pytest.raises(PermissionDenied):
        export_signing_key(office.ctx, office.officer, PASSPHRASE)
    with pytest.raises(DomainError, match="至少 10 个字符"):
        export_signing_key(office.ctx, office.head, "short")
    exported = export_signing_key(office.ctx, office.head, PASSPHRASE)
    assert b"ENCRYPTED PRIVATE KEY" in exported

    keyring.set_keyring(_pc(tmp_path, "second-pc"))
    with pytest.raises(DomainError, match="口令错误"):
        import_signing_key(office.ctx, office.head, exported, "wrong passphrase")
    assert import_signing_key(office.ctx, office.head, exported, PASSPHRASE) == first_fingerprint
    case_id = transferred_case(office, tmp_path)
    target = tmp_path / "移送.zip"
    build_transfer_package(office.ctx, office.officer, case_id, target)
    printed = tmp_path / "公钥.pem"
    printed.write_bytes(pem.replace(b"\n", b"\r\n"))  # saved on a Windows PC
    assert verify_transfer_package(target, printed).ok
    with office.ctx.db.read() as session:
        actions = {e.action for e in session.query(AuditEvent).filter(AuditEvent.entity == "agency")}
    assert {"transfer_key_exported", "transfer_key_imported"} <= actions


def test_importing_over_another_key_needs_replace(sqlite_office, tmp_path, restore_keyring):
    office = sqlite_office
    keyring.set_keyring(_pc(tmp_path, "first-pc"))
    exported = export_signing_key(office.ctx, office.head, PASSPHRASE)
    keyring.set_keyring(_pc(tmp_path, "second-pc"))
    _, own = public_key(office.ctx, office.head)  # this PC made its own key before the import
    with pytest.raises(DomainError, match="已有另一把移送签名私钥"):
        import_signing_key(office.ctx, office.head, exported, PASSPHRASE)
    assert public_key(office.ctx, office.head)[1] == own
    replaced = import_signing_key(office.ctx, office.head, exported, PASSPHRASE, replace=True)
    assert replaced != own and public_key(office.ctx, office.head)[1] == replaced
