"""Attachments follow the access of the record they belong to (security.md ACL-3)."""
import base64

import pytest

from bureau.exceptions import AccessError


def user(env, login, *groups):
    return env["res.users"].create({"name": login, "login": login,
                                    "groups_id": [(6, 0, [env.ref(g).id for g in groups])]})


@pytest.fixture
def setup(env):
    owner = user(env, "att_owner", "base.group_user")
    stranger = user(env, "att_stranger", "base.group_user")
    env["ir.rule"].create({"name": "own secrets", "model_id": env.ref("test_orm.model_test_orm_secret").id,
                           "domain_force": "[('user_id', '=', user.id)]"})
    secret = env["test.orm.secret"].with_user(owner).create({"name": "mine"})
    attachment = env["ir.attachment"].create({"name": "note.txt", "res_model": "test.orm.secret",
                                              "res_id": secret.id, "raw": b"classified"})
    return owner, stranger, secret, attachment


def test_owner_reads_the_attachment_of_their_record(env, setup):
    owner, stranger, secret, attachment = setup
    rows = attachment.with_user(owner).read(["name", "datas"])
    assert base64.b64decode(rows[0]["datas"]) == b"classified"


def test_others_cannot_read_write_or_delete_it(env, setup):
    owner, stranger, secret, attachment = setup
    Attachment = env["ir.attachment"].with_user(stranger)
    with pytest.raises(AccessError):
        attachment.with_user(stranger).read(["datas"])
    with pytest.raises(AccessError):
        attachment.with_user(stranger).write({"name": "stolen"})
    with pytest.raises(AccessError):
        attachment.with_user(stranger).unlink()
    assert attachment.exists() and attachment.name == "note.txt"
    assert not Attachment.search([("id", "=", attachment.id)])
    assert env["ir.attachment"].with_user(owner).search([("id", "=", attachment.id)]) == attachment


def test_attaching_to_a_record_needs_write_access_on_it(env, setup):
    owner, stranger, secret, attachment = setup
    with pytest.raises(AccessError):
        env["ir.attachment"].with_user(stranger).create({"name": "x", "res_model": "test.orm.secret",
                                                         "res_id": secret.id, "raw": b"x"})


def test_binary_field_attachments_are_hidden_from_search(env):
    record = env["test.orm.all.types"].create({"name": "bin", "binary": base64.b64encode(b"data").decode()})
    plain = user(env, "att_plain", "base.group_user")
    Attachment = env["ir.attachment"].with_user(plain)
    domain = [("res_model", "=", "test.orm.all.types"), ("res_id", "=", record.id)]
    assert not Attachment.search(domain)
    assert Attachment.search(domain + [("res_field", "=", "binary")])


def test_orphan_attachments_belong_to_their_creator(env):
    creator = user(env, "att_creator", "base.group_user")
    other = user(env, "att_other", "base.group_user")
    attachment = env["ir.attachment"].with_user(creator).create({"name": "loose.txt", "raw": b"x"})
    assert attachment.with_user(creator).read(["name"])
    with pytest.raises(AccessError):
        attachment.with_user(other).read(["name"])
    attachment.sudo().public = True
    assert attachment.with_user(other).read(["name"])
