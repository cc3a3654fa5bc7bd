"""困难职工建档 online: a worker files their own household with supporting documents, follows it, corrects and
resubmits it; the union's staff see and add to the same documents; nobody else can reach them."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from PIL import Image

from zhijia.aid.models import AidDocument, FileStatus, HardshipCategory, HardshipFile
from zhijia.aid.services import files as file_svc
from zhijia.aid.services.documents import MAX_DOCUMENTS, file_documents_add
from zhijia.cases.attachments import CheckedFile
from zhijia.core.errors import InvalidTransition, NotFound, ValidationFailed
from zhijia.core.models import AuditLog

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def jpeg(name="诊断证明.jpg") -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (4, 4)).save(data, format="JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def pdf(name="收入证明.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def cell_error(body: str, label: str, row: int = 1) -> str | None:
    """The error shown in household row `row`'s cell `label` (aid/_files_cell.html), or None."""
    rows = body.split('<fieldset class="member-row"')[1:]
    match = re.search(r'<div class="field has-error"><label>' + label + r'.*?<p class="error" role="alert">(.*?)</p>',
                      rows[row - 1], re.S)
    return match.group(1) if match else None


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def form(worker_member, people):
    """The worker's form as a browser posts it: the 本人 row as shown (masked, read-only), a spouse and a child."""

    def build(*, incomes=(30000, 0, 0), self_id=None, **overrides):
        spouse, child = people("spouse", incomes[1]), people("child", incomes[2], 8, 15)
        data = {
            "phone": "13912345678", "address": "苏州市姑苏区平江路1号", "causes": ["illness"],
            "cause_note": "妻子长期患病", "other_income": "0", "unavoidable_spending": "6000", "necessary_costs": "0",
            "bank_name": "中国工商银行", "bank_account": "6222020200112233445", "action": "submit",
            "m_ref": ["", "", ""], "m_relation": ["self", "spouse", "child"],
            "m_name": [worker_member.name, spouse.name, child.name],
            "m_id_number": [self_id or worker_member.id_number_masked, spouse.id_number, child.id_number],
            "m_annual_income": [str(income) for income in incomes],
            "m_health": ["健康", "慢性病", "健康"], "m_schooling": ["", "", "小学在读"], "m_work": ["在岗", "", ""],
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def filed(media, regions, worker, form):
    """王小明 has filed and submitted his household online, with a diagnosis."""
    logged_in(worker).post("/aid/files/new/", form(documents=[jpeg()]))
    return HardshipFile.objects.get()


# ---- Home ----------------------------------------------------------------------------------------------------


def test_a_member_without_a_file_is_offered_to_apply_and_everyone_sees_the_notice(tree, worker, worker_member,
                                                                                  other_worker):
    body = logged_in(worker).get("/aid/").content.decode()
    assert "申请困难职工建档" in body and 'href="/aid/files/new/"' in body
    assert "帮扶公示" in body and 'href="/aid/notice/"' in body
    not_member = logged_in(other_worker).get("/aid/").content.decode()
    assert 'href="/aid/files/new/"' not in not_member and 'href="/aid/notice/"' in not_member
    assert 'href="/aid/notice/"' in Client().get("/aid/").content.decode()


def test_a_worker_with_an_open_file_is_sent_to_it(filed, worker, other_worker):
    client = logged_in(worker)
    assert 'href="/aid/files/new/"' not in client.get("/aid/").content.decode()
    response = client.get("/aid/files/new/")
    assert response.status_code == 302 and response["Location"] == f"/aid/files/{filed.number}/"
    assert logged_in(other_worker).get("/aid/files/new/")["Location"] == "/aid/"  # not a member


# ---- Filing ----------------------------------------------------------------------------------------------------


def test_the_form_locks_the_workers_row_to_the_membership(regions, worker, worker_member):
    body = logged_in(worker).get("/aid/files/new/").content.decode()
    first_row = body.split('<fieldset class="member-row"')[1]
    assert "data-locked" in first_row and '<input type="hidden" name="m_relation" value="self">' in first_row
    assert f'value="{worker_member.name}" readonly' in first_row
    assert f'value="{worker_member.id_number_masked}" readonly' in first_row
    assert worker_member.id_number not in body  # the full number never leaves the server
    assert '<option value="self"' not in body  # nobody else can be 本人


def test_a_worker_tries_the_figures_before_saving(regions, worker, worker_member, form, other_worker):
    client = logged_in(worker)
    assert 'hx-post="/aid/files/preview/"' in client.get("/aid/files/new/").content.decode()
    body = client.post("/aid/files/preview/", form()).content.decode()
    assert "试算结果：深度困难" in body and "苏州市低保标准" in body
    body = client.post("/aid/files/preview/", form(incomes=(300000, 0, 0))).content.decode()
    assert "试算结果：不符合建档条件" in body
    body = client.post("/aid/files/preview/", form(m_annual_income=["30000", "三万", "0"])).content.decode()
    assert "试算未完成" in body and "第2位家庭成员的年收入" in body
    # Names and 身份证号 wait for saving: the figures alone give the category.
    body = client.post("/aid/files/preview/", form(m_name=["", "", ""], m_id_number=["", "", ""])).content.decode()
    assert "试算结果：深度困难" in body
    assert HardshipFile.objects.count() == 0
    assert client.get("/aid/files/preview/").status_code == 405
    not_member = logged_in(other_worker).post("/aid/files/preview/", form()).content.decode()
    assert "您还不是工会会员" in not_member and "试算结果" not in not_member


def test_a_worker_files_and_submits_with_documents(media, regions, worker, worker_member, form, tree):
    client = logged_in(worker)
    response = client.post("/aid/files/new/", form(documents=[jpeg(), pdf()]))

    file = HardshipFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/aid/files/{file.number}/"
    assert (file.status, file.category, file.union, file.applicant, file.member) == \
        (FileStatus.SUBMITTED, HardshipCategory.DEEP, tree.grassroots, worker, worker_member)
    me = file.household.get(relation="self")
    assert (me.name, me.id_number) == (worker_member.name, worker_member.id_number)
    assert sorted(file.documents.values_list("content_type", flat=True)) == ["application/pdf", "image/jpeg"]
    assert AuditLog.objects.filter(action="aid.file_document_add", object_id=str(file.pk)).count() == 1
    assert AuditLog.objects.filter(action="aid.file_submit", object_id=str(file.pk), actor=worker).exists()

    page = client.get(response["Location"]).content.decode()
    assert "建档申请已提交" in page and "深度困难" in page
    for reason in file.eligibility["reasons"]:
        assert reason in page
    for document in file.documents.all():
        assert f'href="/aid/files/{file.number}/documents/{document.pk}/"' in page
    assert 'href="/aid/files/{}/edit/"'.format(file.number) not in page  # submitted: no longer editable


def test_a_self_row_with_another_id_number_is_refused_beside_it(media, regions, worker, form, people):
    response = logged_in(worker).post("/aid/files/new/", form(self_id=people().id_number, documents=[jpeg()]))

    assert response.status_code == 422
    assert cell_error(response.content.decode(), "身份证号") == "“本人”的身份证号与会员登记的不一致"
    assert not HardshipFile.objects.exists() and not AidDocument.objects.exists()


def test_a_household_that_does_not_qualify_is_saved_as_a_draft_and_told_why(media, regions, worker, form):
    client = logged_in(worker)
    response = client.post("/aid/files/new/", form(incomes=(150000, 60000, 0)))

    file = HardshipFile.objects.get()
    assert (file.status, file.category) == (FileStatus.DRAFT, HardshipCategory.NONE)
    assert not file.household.filter(holding=True).exists()  # nobody is reserved by a draft
    page = client.get(response["Location"]).content.decode()
    assert "已保存为草稿，暂不能提交" in page and "该家庭不符合建档条件" in page
    assert "不符合深度困难" in page and "不符合相对困难" in page
    assert 'id="not-qualifying"' in page and 'value="submit"' not in page
    assert f'href="/aid/files/{file.number}/edit/"' in page  # it can still be corrected


def test_a_program_named_pdf_is_refused_and_nothing_is_saved(media, regions, worker, form):
    fake = pdf("收入证明.pdf", b"MZ\x90\x00 this is not a pdf")
    response = logged_in(worker).post("/aid/files/new/", form(documents=[jpeg(), fake]))

    assert response.status_code == 422
    body = response.content.decode()
    assert "“收入证明.pdf”不是图片或PDF文件" in body
    assert re.search(r'<div class="field has-error">\s*<label for="f-documents">', body)
    assert 'value="苏州市姑苏区平江路1号"' in body  # what was typed stays in the form
    assert not HardshipFile.objects.exists() and not AidDocument.objects.exists()


def test_a_returned_file_is_corrected_and_resubmitted(filed, worker, worker_member, chair):
    file_svc.file_return(actor=chair, file=filed, reason="请补充配偶的诊断证明")
    client = logged_in(worker)
    page = client.get(f"/aid/files/{filed.number}/").content.decode()
    assert "请补充配偶的诊断证明" in page and f'href="/aid/files/{filed.number}/edit/"' in page

    form_page = client.get(f"/aid/files/{filed.number}/edit/").content.decode()
    assert worker_member.id_number not in form_page and "请补充配偶的诊断证明" in form_page
    posted = _as_stored(form_page)
    posted.update(unavoidable_spending="9000", action="submit", documents=[pdf("诊断证明.pdf")])
    response = client.post(f"/aid/files/{filed.number}/edit/", posted)

    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.unavoidable_spending, filed.documents.count()) == (FileStatus.SUBMITTED, 9000, 2)
    assert filed.household.get(relation="self").id_number == worker_member.id_number  # kept behind the mask
    assert client.get(f"/aid/files/{filed.number}/edit/")["Location"] == f"/aid/files/{filed.number}/"


def test_a_stale_edit_is_refused(filed, worker, chair):
    file_svc.file_return(actor=chair, file=filed, reason="请核实收入")
    client = logged_in(worker)
    posted = _as_stored(client.get(f"/aid/files/{filed.number}/edit/").content.decode())
    file_svc.file_update(actor=chair, file=filed, data=_data_of(filed))  # the union corrects it meanwhile
    response = client.post(f"/aid/files/{filed.number}/edit/", {**posted, "action": "save"})
    assert response.status_code == 422 and "档案已被他人修改" in response.content.decode()


def test_a_draft_is_submitted_from_the_file_page(media, regions, worker, form):
    client = logged_in(worker)
    client.post("/aid/files/new/", form(action="save"))
    file = HardshipFile.objects.get()
    assert file.status == FileStatus.DRAFT
    assert 'value="submit"' in client.get(f"/aid/files/{file.number}/").content.decode()
    client.post(f"/aid/files/{file.number}/", {"action": "submit"})
    file.refresh_from_db()
    assert file.status == FileStatus.SUBMITTED


def _as_stored(body: str) -> dict:
    """The edit form's fields as the browser would post them back untouched."""
    form = body[body.index('<form method="post" enctype="multipart/form-data" class="card" id="file-form"'):]
    form = form[:form.index("</form>")]
    data: dict = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    data["causes"] = re.findall(r'name="causes" value="([^"]+)" checked', form)
    for name in ("m_relation",):
        data[name] = ["self"] + re.findall(r'<option value="([^"]+)" selected>', form)
    return {key: value if len(value) != 1 or key.startswith("m_") else value[0] for key, value in data.items()}


def _data_of(file: HardshipFile) -> file_svc.FileData:
    return file_svc.FileData(
        name=file.name, causes=list(file.causes), unavoidable_spending=file.unavoidable_spending,
        household=[file_svc.PersonIn(relation=p.relation, name=p.name, id_number=p.id_number,
                                     annual_income=p.annual_income) for p in file.household.all()])


# ---- Who may see and add documents -----------------------------------------------------------------------------


def test_another_worker_gets_404_on_the_file_and_its_documents(filed, other_worker):
    document = filed.documents.get()
    client = logged_in(other_worker)
    for url in (f"/aid/files/{filed.number}/", f"/aid/files/{filed.number}/edit/",
                f"/aid/files/{filed.number}/documents/{document.pk}/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/aid/files/{filed.number}/", {"action": "documents", "documents": [jpeg()]}) \
        .status_code == 404
    assert filed.documents.count() == 1


def test_the_worker_downloads_their_own_document(filed, worker):
    document = filed.documents.get()
    response = logged_in(worker).get(f"/aid/files/{filed.number}/documents/{document.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_staff_download_a_files_documents_and_another_subtree_cannot(filed, chair, county_staff, chair_b,
                                                                     nanjing_staff, tree, people):
    document = filed.documents.get()
    url = f"/aid/files/{filed.number}/documents/{document.pk}/"
    staff_page = logged_in(chair).get(f"/aid/staff/files/{filed.number}/").content.decode()
    assert f'href="{url}"' in staff_page
    assert logged_in(chair).get(url).status_code == 200
    assert logged_in(county_staff).get(url).status_code == 200
    for outsider in (chair_b, nanjing_staff):
        assert logged_in(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page

    # A document id of another file does not open through this file's number.
    other = file_svc.file_create(actor=chair_b, union=tree.grassroots_b, data=file_svc.FileData(
        name="李四", causes=["illness"], household=[people("self", 20000)]))
    file_documents_add(actor=chair_b, file=other, files=[CheckedFile("低保证.pdf", "application/pdf", PDF)])
    foreign = other.documents.get()
    assert logged_in(chair).get(f"/aid/files/{filed.number}/documents/{foreign.pk}/").status_code == 404
    assert logged_in(chair_b).get(f"/aid/files/{other.number}/documents/{foreign.pk}/").status_code == 200


def test_staff_add_documents_on_the_file_page_until_the_visit(filed, chair, chair_b):
    url = f"/aid/staff/files/{filed.number}/"
    response = logged_in(chair).post(url, {"action": "documents", "documents": [pdf("低保证.pdf")]})
    assert response.status_code == 302
    assert list(filed.documents.values_list("name", flat=True)) == ["诊断证明.jpg", "低保证.pdf"]
    assert AuditLog.objects.filter(action="aid.file_document_add", actor=chair).exists()
    # Both uploads are steps of the file's history, with who uploaded what, on both sides.
    uploads = [(e.actor_name, e.note) for e in filed.events.filter(action="documents")]
    assert uploads == [("王小明", "1 份：诊断证明.jpg"), ("张主席", "1 份：低保证.pdf")]
    staff_page = logged_in(chair).get(url).content.decode()
    assert "上传材料" in staff_page and "1 份：诊断证明.jpg" in staff_page
    worker_page = logged_in(filed.applicant).get(f"/aid/files/{filed.number}/").content.decode()
    assert "上传证明材料" in worker_page and "1 份：低保证.pdf" in worker_page

    refused = logged_in(chair).post(url, {"action": "documents", "documents": [pdf("x.pdf", b"%PDF-but no end")]})
    assert refused.status_code == 422 and "不是图片或PDF文件" in refused.content.decode()
    assert logged_in(chair_b).post(url, {"action": "documents", "documents": [jpeg()]}).status_code == 404

    file_svc.file_visit(actor=chair, file=filed, note="入户核实")
    page = logged_in(chair).get(url).content.decode()
    assert 'id="documents-upload"' not in page and "低保证.pdf" in page
    late = logged_in(chair).post(url, {"action": "documents", "documents": [jpeg()]})
    assert late.status_code == 422 and "不能再补充材料" in late.content.decode()
    assert filed.documents.count() == 2


def test_the_worker_adds_documents_while_submitted(filed, worker):
    response = logged_in(worker).post(f"/aid/files/{filed.number}/", {"action": "documents",
                                                                      "documents": [pdf("收入证明.pdf")]})
    assert response.status_code == 302 and filed.documents.count() == 2


# ---- Service and model -----------------------------------------------------------------------------------------


def test_file_documents_add_checks_permission_state_and_count(filed, worker, other_worker, county_staff,
                                                              nanjing_staff):
    one = [CheckedFile("收入证明.pdf", "application/pdf", PDF)]
    with pytest.raises(NotFound):
        file_documents_add(actor=other_worker, file=filed, files=one)
    with pytest.raises(NotFound):
        file_documents_add(actor=nanjing_staff, file=filed, files=one)
    with pytest.raises(ValidationFailed) as empty:
        file_documents_add(actor=worker, file=filed, files=[])
    assert empty.value.field == "documents"
    file_documents_add(actor=county_staff, file=filed, files=one * (MAX_DOCUMENTS - 2))
    with pytest.raises(ValidationFailed) as too_many:
        file_documents_add(actor=worker, file=filed, files=one * 2)
    assert too_many.value.field == "documents" and filed.documents.count() == MAX_DOCUMENTS - 1
    file_documents_add(actor=worker, file=filed, files=one)
    assert filed.documents.count() == MAX_DOCUMENTS


def test_a_withdrawn_files_documents_are_closed(filed, chair):
    file_svc.file_withdraw(actor=chair, file=filed, reason="职工本人要求撤回")
    with pytest.raises(InvalidTransition):
        file_documents_add(actor=chair, file=filed, files=[CheckedFile("a.pdf", "application/pdf", PDF)])


def test_a_document_belongs_to_exactly_one_owner(filed, tuition, apply_tuition):
    application = apply_tuition(tuition)
    for owners in ({}, {"application": application, "hardship_file": filed}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AidDocument.objects.create(name="材料.pdf", content_type="application/pdf", size=1, file="aid/x.pdf",
                                       **owners)


def test_staff_cannot_change_the_members_own_row_on_edit(filed, chair, people):
    file_svc.file_return(actor=chair, file=filed, reason="请核实")
    data = _data_of(filed)
    data.household[0].id_number = people().id_number
    with pytest.raises(ValidationFailed) as refused:
        file_svc.file_update(actor=chair, file=filed, data=data)
    assert refused.value.field == "household.0.id_number"


# ---- In the browser ----------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_worker_files_on_a_phone_and_the_chair_sees_the_documents(browser_page, tree, regions, worker,
                                                                    worker_member, chair, people, settings,
                                                                    tmp_path):
    from conftest import browser_login

    settings.MEDIA_ROOT = tmp_path
    proof = tmp_path / "诊断证明.pdf"
    proof.write_bytes(PDF)
    spouse, child = people("spouse", 0), people("child", 0, 8, 15)
    page = browser_page
    browser_login(page, worker.username)
    page.goto(page.base_url + "/aid/")
    with page.expect_navigation():
        page.click("#file-new")
    first = page.locator(".member-row").first
    assert first.locator("[name=m_id_number]").input_value() == worker_member.id_number_masked
    assert first.locator("[name=m_id_number]").get_attribute("readonly") is not None
    page.fill("#f-phone", "13912345678")
    page.check("input[name=causes][value=illness]")
    page.fill("#f-unavoidable_spending", "6000")
    page.fill("#f-bank_name", "中国工商银行")
    page.fill("#f-bank_account", "6222020200112233445")
    first.locator("[name=m_annual_income]").fill("30000")
    for person, relation in ((spouse, "spouse"), (child, "child")):
        page.click("#add-member")
        row = page.locator(".member-row").last
        row.locator("[name=m_relation]").select_option(relation)
        row.locator("[name=m_name]").fill(person.name)
        row.locator("[name=m_id_number]").fill(person.id_number)
        row.locator("[name=m_annual_income]").fill("0")
    page.set_input_files("#f-documents", str(proof))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    with page.expect_navigation():
        page.click("#file-form button[value=submit]")
    assert "建档申请已提交" in page.inner_text(".messages")
    assert "深度困难" in page.inner_text("#category")
    assert "诊断证明.pdf" in page.inner_text("#file-documents")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    file = HardshipFile.objects.get()
    assert (file.status, file.household.count(), file.documents.count()) == (FileStatus.SUBMITTED, 3, 1)
    with page.expect_navigation():
        page.click("header button[type=submit]")  # 退出

    browser_login(page, chair.username)
    page.goto(page.base_url + f"/aid/staff/files/{file.number}/")
    link = page.locator("#file-documents a:has-text('诊断证明.pdf')").get_attribute("href")
    response = page.request.get(page.base_url + link)
    assert response.status == 200 and response.body() == PDF
