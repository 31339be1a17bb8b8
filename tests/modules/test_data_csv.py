"""CSV data files (modules.md CSV-1..3), loaded through the ORM's ``load`` as data of ``test_orm``.

The installed case (continuation rows, demo suffix files, access rights of a real addon) is covered
by the ``test_data_files`` addon in ``test_data_xml.py``.
"""
import pytest

from bureau.modules.data_csv import DataFileError, csv_model_name, load_csv
from bureau.modules.data_files import DeclaredIds

MODULE = "test_orm"


def write_csv(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def load(env, path, **kwargs):
    return load_csv(env, MODULE, path, **kwargs)


def noupdate_of(env, xml_id):
    return env["ir.model.data"]._xmlid_row(xml_id)[3]


@pytest.mark.parametrize("name,model", [("res.country.state.csv", "res.country.state"),
                                        ("res.partner-demo.csv", "res.partner"),
                                        ("test.orm.tag-part-2.csv", "test.orm.tag")])
def test_model_is_the_file_name_up_to_the_first_dash(name, model):
    assert csv_model_name(f"data/{name}") == model


def test_rows_create_records_with_module_xml_ids(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag.csv", "id,name,color\ncsv_red,Red,1\n\ncsv_blue,Blue,2\n")
    assert load(env, path) == 2
    assert env.ref("test_orm.csv_red").color == 1
    assert env.ref("test_orm.csv_blue").name == "Blue"


def test_suffixed_file_name_loads_into_the_model(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag-demo.csv", "id,name\ncsv_suffix,Suffixed\n")
    load(env, path, noupdate=True)
    assert env.ref("test_orm.csv_suffix")._name == "test.orm.tag"


def test_data_rows_not_noupdate_demo_rows_noupdate(env, tmp_path):
    data = write_csv(tmp_path, "test.orm.tag.csv", "id,name\ncsv_data,Data\n")
    demo = write_csv(tmp_path, "test.orm.tag-demo.csv", "id,name\ncsv_demo,Demo\n")
    load(env, data)
    load(env, demo, noupdate=True)
    assert noupdate_of(env, "test_orm.csv_data") is False
    assert noupdate_of(env, "test_orm.csv_demo") is True


def test_update_mode_rewrites_data_rows_and_keeps_demo_rows(env, tmp_path):
    data = write_csv(tmp_path, "test.orm.tag.csv", "id,name\ncsv_d,Data\n")
    demo = write_csv(tmp_path, "test.orm.tag-demo.csv", "id,name\ncsv_m,Demo\n")
    load(env, data)
    load(env, demo, noupdate=True)
    env.ref("test_orm.csv_d").name = "edited"
    env.ref("test_orm.csv_m").name = "edited"
    loaded = set()
    load(env, data, mode="update", loaded=loaded)
    load(env, demo, mode="update", noupdate=True, loaded=loaded)
    assert env.ref("test_orm.csv_d").name == "Data"
    assert env.ref("test_orm.csv_m").name == "edited"
    assert loaded == {"test_orm.csv_d", "test_orm.csv_m"}
    assert env["test.orm.tag"].search_count([("name", "in", ["Data", "Demo", "edited"])]) == 2, "no duplicates"


def test_access_rights_file(env, tmp_path):
    """CSV-3: the exact header; empty group = every user; module-prefixed or local model ids."""
    path = write_csv(tmp_path, "ir.model.access.csv",
                     "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
                     "access_csv_all,csv all,model_test_orm_tag,,1,0,0,0\n"
                     "access_csv_sys,csv sys,test_orm.model_test_orm_line,base.group_system,1,1,1,0\n")
    load(env, path)
    everyone = env.ref("test_orm.access_csv_all")
    assert everyone.model_id.model == "test.orm.tag" and not everyone.group_id
    assert (everyone.perm_read, everyone.perm_write, everyone.perm_create, everyone.perm_unlink) == (
        True, False, False, False)
    system = env.ref("test_orm.access_csv_sys")
    assert system.group_id == env.ref("base.group_system") and system.perm_create and not system.perm_unlink


def test_id_column_required(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag.csv", "name\nNo id\n")
    with pytest.raises(DataFileError, match=r"test\.orm\.tag\.csv, line 1: an 'id' column is required"):
        load(env, path)


def test_unknown_model_refused(env, tmp_path):
    path = write_csv(tmp_path, "no.such.model.csv", "id,name\nx,y\n")
    with pytest.raises(DataFileError, match="unknown model 'no.such.model'"):
        load(env, path)


def test_error_names_file_line_and_record(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag.csv", "id,name,color\n\ncsv_ok,Ok,1\ncsv_bad,Bad,blue\n")
    with pytest.raises(DataFileError) as info:
        load(env, path)
    error = info.value
    assert (error.line, error.xml_id) == (4, "test_orm.csv_bad")
    assert str(error).startswith(f"{path}, line 4, record test_orm.csv_bad: ")
    assert "'blue' is not an integer" in str(error)
    assert env.ref("test_orm.csv_ok", raise_if_not_found=False) is None, "nothing of the file is kept"


def test_error_line_of_a_multiline_cell(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag.csv", 'id,name,color\ncsv_multi,"two\nlines",1\ncsv_x,X,x\n')
    with pytest.raises(DataFileError, match="line 4, record test_orm.csv_x"):
        load(env, path)


def test_unknown_column_refused(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag.csv", "id,name,colour\ncsv_c,C,1\n")
    with pytest.raises(DataFileError, match="Unknown field 'colour'"):
        load(env, path)


def test_orm_error_names_row(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.constrained.csv", "id,name,amount\ncsv_ok,Ok,1\ncsv_neg,Neg,-1\n")
    with pytest.raises(DataFileError, match=r"line 3, record test_orm\.csv_neg: The amount cannot be negative"):
        load(env, path)


def test_unknown_reference_names_row(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag.csv", "id,name,parent_id:id\ncsv_child,Child,csv_nowhere\n")
    with pytest.raises(DataFileError, match=r"line 2, record test_orm\.csv_child: .*test_orm\.csv_nowhere"):
        load(env, path)


def test_references_resolved_in_the_module_and_across_modules(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag.csv",
                     "id,name,parent_id:id\ncsv_parent,Parent,\ncsv_kid,Kid,csv_parent\n")
    load(env, path)
    assert env.ref("test_orm.csv_kid").parent_id == env.ref("test_orm.csv_parent")
    users = write_csv(tmp_path, "res.groups.csv",
                      'id,name,users:id\ncsv_group,CSV group,"base.user_admin,base.user_root"\n')
    load(env, users)
    group = env.ref("test_orm.csv_group").with_context(active_test=False)
    assert group.users == env.ref("base.user_admin") | env.ref("base.user_root")


def test_forward_reference_to_a_later_row_refused(env, tmp_path):
    path = write_csv(tmp_path, "test.orm.tag.csv",
                     "id,name,parent_id:id\ncsv_early,Early,csv_late\ncsv_late,Late,\n")
    with pytest.raises(DataFileError, match=r"line 2, record test_orm\.csv_early: Reference to 'test_orm\.csv_late', "
                                            r"which is defined later .*line 3"):
        load(env, path)


def test_forward_reference_to_a_later_file_refused_in_update_mode(env, tmp_path):
    first = write_csv(tmp_path, "test.orm.tag.csv", "id,name,parent_id:id\ncsv_f1,F1,csv_f2\n")
    second = write_csv(tmp_path, "test.orm.tag-2.csv", "id,name\ncsv_f2,F2\n")
    load(env, second)
    with pytest.raises(DataFileError, match="defined later"):
        load(env, first, mode="update", declared=DeclaredIds(MODULE).scan([first, second]))
