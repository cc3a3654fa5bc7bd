"""Demo data for the rights-protection service: partner agencies with a login, a legal-aid roster and a
handful of tickets in every state, filed through the real services so history and audit are real."""

import datetime

from django.contrib.auth.hashers import make_password

from zhijia.accounts.models import User
from zhijia.org.models import Union

from . import services
from .models import Agency, AgencyKind, AgencyMembership, LegalAidProvider, Ticket
from .services import TicketData

STORIES = [
    # type, topic, employer suffix (None: the officer's own company), workers, description
    ("complaint", "wages", None, 23, "车间二十多人已经两个月没发工资了，主管说等回款，家里房贷都还不上"),
    ("consult", "contract", None, 1, "签了三年合同，试用期约定了六个月，这样合法吗"),
    ("complaint", "injury", None, 1, "上个月在车间被机器压伤手指，公司不给申报工伤，只给了两千块"),
    ("complaint", "hours", "鑫达物流有限公司", 6, "仓库天天加班到晚上十一点，周末也不休息，加班费一分没有"),
    ("complaint", "new_form", "同城速送配送站", 1, "送外卖被电动车撞了，站点说我是众包骑手不管，医药费自己出"),
    ("legal_aid", "contract", "恒通电子科技有限公司", 1, "公司说我不胜任工作直接把我辞退了，没有补偿，想请工会帮忙打官司"),
    ("service", "other", None, 1, "爱人生病住院，家里孩子上学，生活很困难，能不能申请帮扶"),
    ("suggestion", "democratic", None, 1, "建议厂里的职代会多讨论一下食堂和倒班安排，大家意见很大"),
    ("complaint", "women", "美佳服饰有限公司", 1, "怀孕五个月了，公司让我去仓库搬货，不同意就要调岗降薪"),
]


def seed_cases_demo(*, operator: User, officer: User, officer_union: Union, city: Union) -> int:
    password = make_password("zhijia-demo-2026")
    court = Agency.objects.create(name="苏州市姑苏区人民法院", kind=AgencyKind.COURT,
                                  division_code=officer_union.division_code)
    Agency.objects.create(name="苏州市人力资源和社会保障局", kind=AgencyKind.HRSS, division_code=city.division_code)
    Agency.objects.create(name="苏州市劳动人事争议仲裁委员会", kind=AgencyKind.ARBITRATION, division_code=city.division_code)
    clerk = User.objects.create(username="court", display_name="法院诉调中心", password=password)
    AgencyMembership.objects.create(user=clerk, agency=court)
    LegalAidProvider.objects.create(union=city, name="陈律师", kind="lawyer", organization="江苏维权律师事务所",
                                    specialties="劳动争议、工伤")
    LegalAidProvider.objects.create(union=city, name="刘志愿者", kind="volunteer", organization="苏州大学法学院",
                                    specialties="劳动合同")
    employer = officer_union.name.removesuffix("工会")
    tickets = []
    for index, (kind, topic, other, workers, text) in enumerate(STORIES):
        data = TicketData(
            type=kind, topic=topic, complainant_name=["李建国", "张秀英", "王磊", "赵敏", "刘洋", "陈静", "杨帆", "周强", "吴婷"][index],
            complainant_phone=f"1391234{index:04d}", employer_name=other or employer,
            division_code=officer_union.division_code, description=text, workers_affected=workers,
        )
        answer = "劳动合同期限三年以上的，试用期不得超过六个月（劳动合同法第十九条），您的约定合法。" if kind == "consult" else ""
        tickets.append(services.ticket_create(actor=operator, data=data, channel="hotline", answer=answer))
    wage, _, injury, *_ = tickets
    wage = services.ticket_accept(actor=officer, ticket=wage)
    injury = services.ticket_accept(actor=officer, ticket=injury)
    services.ticket_resolve(actor=officer, ticket=injury, resolution="经工会协调，公司已为您申报工伤，并先行垫付医疗费")
    # one ticket left past its deadline, so the overdue board has something to show
    Ticket.objects.filter(pk=tickets[3].pk).update(step_due_on=datetime.date.today() - datetime.timedelta(days=3))
    return len(tickets)
