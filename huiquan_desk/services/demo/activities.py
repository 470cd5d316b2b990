"""A year of the community's activities, planned from the 惠泉社区 plan's templates (seed plans 2 and 5)."""

from __future__ import annotations

import calendar
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from huiquan_desk.domain.activity import (
    ActivityStatus,
    AttachmentKind,
)
from huiquan_desk.domain.festivals import festivals
from huiquan_desk.services.activities import (
    create_activity,
)
from huiquan_desk.services.campaigns import link_activity
from huiquan_desk.services.categories import FESTIVAL_CATEGORY, CategoryNode, list_categories
from huiquan_desk.services.demo.context import (
    DEMO_COMMUNITY,
    MONTHS,
    NO_PHOTO_SHARE,
    PLANNED_WITHIN_DAYS,
    DemoActivity,
    DemoContext,
)
from huiquan_desk.services.demo.people import PHOTOGRAPHERS, STAFF, Staff, resident_address, resident_name
from huiquan_desk.services.demo.pictures import attachments_for

# ---------------------------------------------------------------------------------------------
# What the community does: templates drawn from the 惠泉社区 plan (seed plans 2 and 5)

COMMITTEE = "惠泉社区居委会"
PARTY = "惠泉社区党支部"


@dataclass(frozen=True)
class Template:
    """One kind of activity. `title` and `content` may use {theme} {month} {place} {n} {organizer}."""

    title: str
    places: tuple[str, ...]
    content: str
    people: tuple[int, int]
    leader: str = "secretary"
    organizer: str = COMMITTEE
    hours: tuple[float, float] = (1.0, 2.0)
    themes: tuple[str, ...] = ("",)
    sign_in: float = 0.4  # chance of a sign-in sheet
    months: tuple[int, ...] = ()  # seasonal: only these months (empty = any)
    on: tuple[int, int] | None = None  # a dated national day (month, day), once a year
    weight: float = 1.0


MEETING_ROOM = "社区居委会二楼会议室"
SERVICE_CENTRE = "社区党群服务中心"
PRACTICE_STATION = "社区新时代文明实践站"
SQUARE = "社区文化广场"
ELDER_CENTRE = "社区老年活动中心"
LECTURE_HALL = "社区道德讲堂"

BOARD_THEMES = (
    "社会主义核心价值观", "垃圾分类知识", "文明养犬", "防范电信网络诈骗", "移风易俗", "“光盘行动”节约粮食",
    "夏季防溺水", "冬季防火安全", "健康生活方式", "文明出行", "爱国卫生知识", "未成年人思想道德建设",
)
STUDY_THEMES = (
    "党的二十大精神", "《中国共产党章程》", "习近平新时代中国特色社会主义思想", "党史学习教育", "基层治理相关政策",
    "《中国共产党纪律处分条例》", "新时代文明实践工作要求",
)
LAW_THEMES = ("《民法典》", "《反电信网络诈骗法》", "《未成年人保护法》", "《老年人权益保障法》", "《反家庭暴力法》",
              "《人民调解法》", "《消防法》", "《安全生产法》")
SAFETY_THEMES = ("消防安全", "燃气安全", "电动车安全充电", "高空抛物治理", "防汛防台", "冬季用火用电安全")
# Themes that only make sense in some months.
SEASONAL_THEMES: dict[str, tuple[int, ...]] = {
    "夏季防溺水": (5, 6, 7, 8),
    "冬季防火安全": (11, 12, 1, 2),
    "防汛防台": (5, 6, 7, 8, 9),
    "冬季用火用电安全": (11, 12, 1, 2),
    "防汛": (5, 6, 7, 8, 9),
}
# Relative chance that a free slot goes to a leaf category (default 1).
LEAF_WEIGHTS: dict[str, float] = {
    "志愿服务": 2.0, "广场文化与全民健身": 1.6, "老年人工作": 1.5, "青少年德育": 1.3, "民间纠纷调解": 1.2,
    "文明公约": 0.6, "平安社区/平安家庭": 0.8, "文明家庭/文明居民/文明邻里评选": 0.8,
}

TEMPLATES: dict[str, tuple[Template, ...]] = {
    "宣传栏/板报宣传": (
        Template("{month}月宣传栏更新：{theme}", ("社区宣传栏（东门）", "社区宣传栏（惠泉花园南门）"),
                 "社区工作人员更新宣传栏一期，主题为“{theme}”，张贴宣传图文10余幅，同步在居民微信群转发，"
                 "引导居民了解创建知识、参与文明创建。", (3, 8), leader="clerk", hours=(1.0, 1.5),
                 themes=BOARD_THEMES, sign_in=0.0),
        Template("“{theme}”主题黑板报评比", ("社区各楼栋宣传角", SERVICE_CENTRE),
                 "组织各网格以“{theme}”为主题出黑板报，邀请居民代表评议，评出优秀板报3期并在宣传栏展示。",
                 (12, 30), leader="clerk", themes=BOARD_THEMES, sign_in=0.3, weight=0.4),
    ),
    "政治理论学习": (
        Template("党员集中学习：{theme}", (MEETING_ROOM, SERVICE_CENTRE),
                 "{organizer}组织党员集中学习{theme}，书记领学，党员交流心得体会，"
                 "并结合社区工作谈如何在文明创建中发挥先锋模范作用。参加党员{n}人。",
                 (18, 36), organizer=PARTY, hours=(1.5, 2.0), themes=STUDY_THEMES, sign_in=0.9),
        Template("主题党日：学习{theme}", (SERVICE_CENTRE, PRACTICE_STATION),
                 "开展主题党日活动，重温入党誓词，学习{theme}，党员分组讨论并提出为民办实事项目。",
                 (20, 40), organizer=PARTY, hours=(1.5, 2.5), themes=STUDY_THEMES, sign_in=0.9),
    ),
    "公民道德建设": (
        Template("社会公德、家庭美德宣讲进小区", ("惠泉花园小区", "泉心苑小区", SQUARE),
                 "宣讲员以身边事讲社会公德、职业道德、家庭美德和个人品德，倡导居民遵德守礼、文明礼让，"
                 "现场发放《市民文明手册》等资料。", (30, 70), leader="women", sign_in=0.3),
        Template("“讲文明树新风”公益广告进楼道", ("社区各楼栋",),
                 "网格员和志愿者在各楼栋张贴“讲文明树新风”公益广告和“遵德守礼”提示牌，清理旧广告，"
                 "营造文明氛围。", (8, 16), leader="grid", hours=(2.0, 3.0), sign_in=0.2),
    ),
    "诚信教育": (
        Template("诚信教育进商户：{theme}", ("社区沿街商铺", "惠泉农贸市场"),
                 "走访辖区商户，宣传诚信经营、明码标价，签订《诚信经营承诺书》，并围绕“{theme}”进行讲解。",
                 (15, 30), leader="grid", themes=("诚信经营", "明码标价", "食品安全守信"), sign_in=0.4),
        Template("“诚信伴我行”主题宣讲", (MEETING_ROOM, LECTURE_HALL),
                 "讲述诚实守信的身边故事，解读个人信用记录常识，提醒居民珍惜个人信用、远离非法集资。",
                 (25, 50), leader="clerk", sign_in=0.7),
    ),
    "学习先进人物（道德讲堂）": (
        Template("道德讲堂：{theme}", (LECTURE_HALL,),
                 "按照“唱歌曲、学模范、诵经典、谈体会、送吉祥”流程举办道德讲堂，讲述{theme}的事迹，"
                 "居民代表谈体会。参加居民{n}人。", (35, 70), leader="secretary", hours=(1.5, 2.0),
                 themes=("身边好人", "道德模范", "最美家庭", "孝老爱亲典型", "见义勇为人物"), sign_in=0.8),
        Template("学习道德模范事迹座谈会", (MEETING_ROOM,),
                 "组织党员、居民代表学习道德模范先进事迹，交流体会，推荐本社区“身边好人”候选人。",
                 (15, 30), sign_in=0.8, weight=0.5),
    ),
    "法律法规宣传": (
        Template("{theme}宣传进社区", (SQUARE, SERVICE_CENTRE),
                 "联合惠泉镇司法所开展{theme}宣传，设立咨询台，解答居民法律问题，发放宣传资料200余份。",
                 (40, 90), leader="mediator", organizer="惠泉社区居委会、惠泉镇司法所", themes=LAW_THEMES,
                 sign_in=0.3),
        Template("尊师重教、法律法规宣传学习会", (MEETING_ROOM,),
                 "组织居民学习{theme}相关条文，宣传尊师重教的传统美德，邀请退休教师分享经验。",
                 (20, 40), leader="clerk", themes=LAW_THEMES, sign_in=0.8, weight=0.5),
    ),
    "专题教育": (
        Template("专题教育：{theme}", (MEETING_ROOM, PRACTICE_STATION),
                 "邀请相关部门人员开展“{theme}”专题讲座，结合案例讲解防范要点，现场答疑。",
                 (30, 60), leader="clerk", hours=(1.0, 1.5),
                 themes=("防范电信网络诈骗", "识别非法集资", "健康养生知识", "心理健康", "家庭教育"), sign_in=0.8),
    ),
    "青少年德育": (
        Template("青少年{theme}教育活动", (PRACTICE_STATION, "社区图书室", "惠泉小学"),
                 "组织辖区青少年开展{theme}教育，观看教育视频、讲故事、做手抄报，引导孩子从小树立正确价值观。",
                 (20, 40), leader="youth", organizer="惠泉社区关工委", themes=("爱国主义", "民族团结", "法制", "感恩"),
                 sign_in=0.7),
        Template("假期“四点半课堂”：{theme}", ("社区图书室", PRACTICE_STATION),
                 "大学生志愿者为辖区青少年辅导作业，开展“{theme}”主题活动。",
                 (15, 30), leader="youth", organizer="惠泉社区关工委", themes=("文明礼仪", "阅读分享", "安全自护"),
                 sign_in=0.8, months=(1, 2, 7, 8), weight=1.5),
    ),
    "老年人工作": (
        Template("老年人{theme}", (ELDER_CENTRE,),
                 "老年协会组织老年人开展{theme}，丰富老年人精神文化生活，促进身心健康。",
                 (25, 50), leader="elder", organizer="惠泉社区老年协会", hours=(1.5, 2.5),
                 themes=("书画交流活动", "健康讲座", "智能手机使用培训", "棋牌友谊赛", "合唱排练"), sign_in=0.6),
        Template("走访慰问高龄、空巢老人", ("社区各网格",),
                 "社区工作人员和志愿者走访辖区高龄、空巢老人{n}户，了解生活需求，送去慰问品。",
                 (8, 15), leader="secretary", hours=(2.0, 3.0), sign_in=0.0, weight=0.6),
    ),
    "普法宣传": (
        Template("普法宣传：{theme}", (SQUARE, "惠泉农贸市场周边"),
                 "开展经常性普法宣传，社区法律顾问围绕{theme}为居民释法答疑，发放资料，引导居民办事依法、"
                 "遇事找法。", (30, 80), leader="mediator", themes=LAW_THEMES, sign_in=0.3),
    ),
    "群防群治（治安巡逻）": (
        Template("平安志愿者治安巡逻", ("社区各网格", "惠泉花园小区", "泉心苑小区"),
                 "治保主任带领平安志愿者巡逻队对小区重点部位开展巡逻，检查楼道、车棚、消防通道，"
                 "提醒居民关好门窗、防盗防骗。", (8, 16), leader="security", hours=(2.0, 3.0), sign_in=0.5),
        Template("警民联防{theme}", ("社区警务室", SQUARE),
                 "社区民警与治保会联合开展{theme}，发动辖区居民群防群治，维护社区稳定。",
                 (10, 25), leader="security", organizer="惠泉社区居委会、惠泉镇派出所",
                 themes=("防盗防骗宣传", "重点部位巡查", "矛盾隐患排查"), sign_in=0.5, weight=0.6),
    ),
    "安全文明小区": (
        Template("{theme}隐患排查", ("惠泉花园小区", "泉心苑小区", "社区沿街商铺"),
                 "联合物业对小区楼道、车棚、沿街商铺开展{theme}隐患排查，发现问题当场督促整改，"
                 "并发放安全提示。", (8, 20), leader="security", organizer="惠泉社区居委会、社区物业",
                 hours=(2.0, 3.0), themes=SAFETY_THEMES, sign_in=0.3),
        Template("{theme}应急演练", (SQUARE,),
                 "组织居民开展{theme}应急疏散演练，讲解灭火器使用方法，提升居民自救互救能力。",
                 (40, 80), leader="security", themes=("消防", "防汛", "地震避险"), sign_in=0.6, weight=0.5),
    ),
    "民间纠纷调解": (
        Template("调解{theme}纠纷", ("社区调解室",),
                 "人民调解委员会受理居民{theme}纠纷，组织双方当面调解，依法依理释明，双方达成一致意见并签订协议。",
                 (3, 6), leader="mediator", organizer="惠泉社区人民调解委员会", hours=(1.0, 2.0),
                 themes=("邻里漏水", "停车位", "噪音扰民", "楼道堆物", "宠物扰邻", "家庭赡养"), sign_in=0.0),
        Template("矛盾纠纷排查例会", (MEETING_ROOM,),
                 "召开矛盾纠纷排查例会，各网格员汇报本月排查情况，逐条研究化解措施，明确责任人和时限。",
                 (8, 14), leader="mediator", sign_in=0.9, weight=0.5),
    ),
    "卫生整治": (
        Template("环境卫生整治：{theme}", ("背街小巷", "惠泉花园小区", "泉心苑小区", "惠泉农贸市场周边"),
                 "组织社区工作人员、物业和志愿者对{place}开展环境卫生整治，重点清理{theme}，"
                 "消除脏、乱、差现象。", (15, 40), leader="health", organizer="惠泉社区居委会、社区物业",
                 hours=(2.0, 3.0), themes=("卫生死角", "楼道堆积物", "绿化带垃圾", "“牛皮癣”小广告", "占道堆放"),
                 sign_in=0.4),
        Template("垃圾分类入户宣传", ("社区各楼栋",),
                 "志愿者入户发放垃圾分类宣传册和分类垃圾袋，现场指导居民正确分类投放。",
                 (10, 20), leader="health", hours=(2.0, 3.0), sign_in=0.3, weight=0.6),
    ),
    "广场文化与全民健身": (
        Template("{theme}", (SQUARE, "社区篮球场"),
                 "组织辖区居民开展{theme}，{n}名居民参加，丰富群众文化生活，提高创建活动的吸引力和凝聚力。",
                 (30, 80), leader="women", hours=(1.5, 2.5),
                 themes=("广场舞展演", "全民健身健步走", "太极拳交流", "邻里趣味运动会", "乒乓球友谊赛", "广场文艺汇演"),
                 sign_in=0.3),
    ),
    "志愿服务": (
        Template("{theme}志愿服务", (SQUARE, SERVICE_CENTRE, "社区各网格"),
                 "以党员志愿者、青年志愿者和社区志愿者为骨干开展{theme}志愿服务，{n}名志愿者参加。",
                 (12, 30), leader="grid", organizer="惠泉社区志愿服务站", hours=(2.0, 3.0),
                 themes=("义务理发", "文明交通劝导", "环境保洁", "义诊量血压", "家电义务维修", "文明劝导"),
                 sign_in=0.8, weight=1.5),
    ),
    # The 文明家庭 and 平安家庭 campaigns bring their own meetings (demo.families); these are the others.
    "文明家庭/文明居民/文明邻里评选": (
        Template("“{theme}”评选推荐会", (MEETING_ROOM,),
                 "召开居民代表会议，按照爱国守法、遵德守礼、家风淳朴等条件评议各网格推荐的“{theme}”候选对象，"
                 "评议结果在社区宣传栏公示。", (20, 35), leader="women", organizer="惠泉社区妇联",
                 themes=("文明居民", "文明邻里", "最美家庭"), sign_in=0.9),
        Template("“{theme}”表彰会", (SERVICE_CENTRE,),
                 "为本年度评选的“{theme}”颁发证书，获奖代表分享家风家训故事。",
                 (40, 70), leader="women", organizer="惠泉社区妇联", themes=("文明居民", "最美家庭"),
                 sign_in=0.8, months=(12, 1), weight=2.0),
    ),
    "文明公约": (
        Template("修订完善《社区居民文明公约》征求意见会", (MEETING_ROOM,),
                 "组织居民代表、楼栋长讨论修订《社区居民文明公约》，收集意见建议，规范居民日常行为。",
                 (15, 30), leader="secretary", sign_in=0.9, weight=0.6),
        Template("《文明公约》进楼栋宣传", ("社区各楼栋",),
                 "在各楼栋张贴《社区居民文明公约》，楼栋长向居民讲解公约内容，倡导团结友爱、邻里守望。",
                 (10, 20), leader="grid", sign_in=0.2),
    ),
    "平安社区/平安家庭": (
        Template("平安家庭创建入户宣传", ("社区各网格",),
                 "网格员入户宣传平安家庭创建标准，发放《平安家庭倡议书》，引导居民家庭和睦、遵纪守法。",
                 (10, 20), leader="grid", hours=(2.0, 3.0), sign_in=0.2),
        Template("平安社区创建推进会", (MEETING_ROOM,),
                 "召开平安社区创建推进会，通报社会治安综合治理情况，部署下一步平安创建工作。",
                 (15, 30), leader="secretary", sign_in=0.9, weight=0.6),
    ),
}

# National days the community marks every year, placed on (or next to) the day.
DATED: dict[str, tuple[Template, ...]] = {
    "志愿服务": (
        Template("“学雷锋”志愿服务日活动", (SQUARE,),
                 "3月5日“学雷锋纪念日”，社区组织党员、青年志愿者开展义诊、理发、家电维修等便民志愿服务，"
                 "服务居民{n}人次。", (30, 60), leader="youth", organizer="惠泉社区志愿服务站",
                 hours=(2.0, 3.0), sign_in=0.9, on=(3, 5)),
        Template("国际志愿者日志愿者表彰及培训", (SERVICE_CENTRE,),
                 "12月5日国际志愿者日，表彰本年度优秀志愿者，开展志愿服务记录和服务技能培训。",
                 (30, 50), leader="grid", organizer="惠泉社区志愿服务站", sign_in=0.9, on=(12, 5)),
    ),
    "诚信教育": (
        Template("“3·15”诚信消费宣传", ("惠泉农贸市场",),
                 "联合市场监管所开展“3·15”消费者权益日宣传，倡导商户诚信经营，现场受理消费咨询。",
                 (30, 60), leader="grid", organizer="惠泉社区居委会、惠泉镇市场监管所", sign_in=0.3, on=(3, 15)),
    ),
    "卫生整治": (
        Template("爱国卫生月集中整治行动", ("惠泉花园小区", "泉心苑小区", "背街小巷"),
                 "爱国卫生月期间，组织社区干部、物业、志愿者集中清理卫生死角，开展病媒生物防制，"
                 "向居民宣传普及卫生常识。", (40, 80), leader="health", organizer="惠泉社区居委会、社区物业",
                 hours=(2.5, 3.0), sign_in=0.6, on=(4, 8)),
        Template("世界环境日“美丽家园”清洁行动", ("社区沿河步道",),
                 "6月5日世界环境日，组织居民和志愿者沿河清理垃圾，宣传垃圾分类与绿色生活。",
                 (25, 45), leader="health", hours=(2.0, 2.5), sign_in=0.6, on=(6, 5)),
    ),
    "法律法规宣传": (
        Template("全民国家安全教育日宣传", (SQUARE,),
                 "4月15日全民国家安全教育日，设立宣传点，讲解《国家安全法》，引导居民增强国家安全意识。",
                 (40, 80), leader="security", sign_in=0.3, on=(4, 15)),
    ),
    "普法宣传": (
        Template("“12·4”国家宪法日宪法宣传", (SQUARE, SERVICE_CENTRE),
                 "国家宪法日，联合司法所开展宪法宣传，组织居民诵读宪法条文，发放宪法读本。",
                 (40, 80), leader="mediator", organizer="惠泉社区居委会、惠泉镇司法所", sign_in=0.4, on=(12, 4)),
    ),
    "专题教育": (
        Template("“6·26”国际禁毒日禁毒宣传", (SQUARE,),
                 "国际禁毒日，社区联合派出所开展禁毒宣传，展出禁毒展板，讲解新型毒品识别知识。",
                 (40, 80), leader="security", organizer="惠泉社区居委会、惠泉镇派出所", sign_in=0.3, on=(6, 26)),
    ),
    "政治理论学习": (
        Template("庆“七一”主题党日活动", (SERVICE_CENTRE,),
                 "庆祝中国共产党成立纪念日，组织党员重温入党誓词，为老党员颁发纪念章，讲专题党课。",
                 (30, 45), organizer=PARTY, hours=(2.0, 2.5), sign_in=1.0, on=(7, 1)),
    ),
    "青少年德育": (
        Template("“六一”儿童节亲子活动", (PRACTICE_STATION,),
                 "组织辖区少年儿童和家长开展亲子游戏、才艺展示，开展爱国主义教育。",
                 (30, 60), leader="youth", organizer="惠泉社区关工委", sign_in=0.6, on=(6, 1)),
    ),
    "安全文明小区": (
        Template("全国防灾减灾日应急知识宣传", (SQUARE,),
                 "5月12日全国防灾减灾日，开展应急避险知识宣传和疏散演练，发放应急包。",
                 (40, 80), leader="security", sign_in=0.5, on=(5, 12)),
        Template("“11·9”消防宣传日活动", (SQUARE, "惠泉花园小区"),
                 "全国消防日，邀请消防员讲解家庭防火和灭火器使用，检查楼道消防设施。",
                 (40, 80), leader="security", organizer="惠泉社区居委会、社区物业", sign_in=0.5, on=(11, 9)),
    ),
    "公民道德建设": (
        Template("公民道德宣传日主题活动", (SQUARE,),
                 "9月20日公民道德宣传日，开展《新时代公民道德建设实施纲要》宣传，倡导居民争做文明市民。",
                 (40, 70), leader="women", sign_in=0.4, on=(9, 20)),
    ),
    "文明家庭/文明居民/文明邻里评选": (
        Template("国际家庭日家风家训分享会", (LECTURE_HALL,),
                 "5月15日国际家庭日，邀请文明家庭代表分享家风家训故事，倡导家庭和睦、邻里团结。",
                 (25, 45), leader="women", organizer="惠泉社区妇联", sign_in=0.8, on=(5, 15)),
    ),
    "广场文化与全民健身": (
        Template("“全民健身日”健步走", ("社区沿河步道",),
                 "8月8日全民健身日，组织居民开展健步走和健身器材使用指导，倡导科学健身。",
                 (50, 100), leader="women", sign_in=0.3, on=(8, 8)),
    ),
}

# Festival activities in the 传统节日 category: (days before the festival, template).
FESTIVAL_EVENTS: dict[str, tuple[tuple[int, Template], ...]] = {
    "春节": (
        (4, Template("“我们的节日·春节”写春联送祝福", (SQUARE, SERVICE_CENTRE),
                     "迎春节，邀请书法爱好者现场书写春联、福字，免费赠送居民{n}余幅，弘扬传统文化，营造欢乐祥和的节日氛围。",
                     (60, 120), leader="elder", hours=(2.0, 3.0), sign_in=0.2)),
        (6, Template("春节前走访慰问困难家庭", ("社区各网格",),
                     "春节前夕，社区两委成员走访慰问辖区困难家庭、老党员{n}户，送去米、油和慰问金。",
                     (10, 20), hours=(2.5, 3.0), sign_in=0.0)),
    ),
    "元宵": (
        (0, Template("“我们的节日·元宵”猜灯谜闹元宵", (SQUARE,),
                     "正月十五元宵节，社区悬挂灯谜300余条，组织居民猜灯谜、包汤圆，共度佳节。",
                     (80, 150), leader="women", hours=(2.0, 2.5), sign_in=0.2)),
    ),
    "清明": (
        (2, Template("“我们的节日·清明”文明祭扫宣传及缅怀先烈", (SQUARE, "惠泉镇烈士陵园"),
                     "清明节前，开展文明祭扫、绿色殡葬宣传，组织党员和青少年到烈士陵园敬献花篮、缅怀先烈，"
                     "进行爱国主义教育。", (30, 60), organizer=PARTY, hours=(2.0, 3.0), sign_in=0.7)),
    ),
    "端午": (
        (1, Template("“我们的节日·端午”包粽子邻里情", (SERVICE_CENTRE, ELDER_CENTRE),
                     "端午节前，组织居民包粽子、做香囊，讲述端午节由来，把粽子送给辖区高龄老人和困难家庭。",
                     (40, 70), leader="women", hours=(2.0, 2.5), sign_in=0.5)),
    ),
    "七夕": (
        (0, Template("“我们的节日·七夕”家风家训与文明婚俗宣传", (LECTURE_HALL,),
                     "农历七月初七，举办“七夕”主题活动，倡导婚事新办、抵制高价彩礼，金婚夫妇分享相濡以沫的故事。",
                     (25, 45), leader="women", organizer="惠泉社区妇联", sign_in=0.6)),
    ),
    "中秋": (
        (2, Template("“我们的节日·中秋”邻里共团圆", (SQUARE, SERVICE_CENTRE),
                     "中秋节前，举办做月饼、诵经典、邻里联谊活动，为独居老人送上月饼，共叙邻里情。",
                     (60, 120), leader="secretary", hours=(2.0, 2.5), sign_in=0.4)),
    ),
    "国庆": (
        (1, Template("迎国庆“我和我的祖国”主题升旗仪式", (SQUARE,),
                     "国庆节前夕，组织党员、居民和青少年举行升旗仪式，合唱《我和我的祖国》，表达爱国之情。",
                     (80, 150), organizer=PARTY, hours=(1.0, 1.5), sign_in=0.3)),
    ),
    "重阳": (
        (0, Template("“我们的节日·重阳”敬老爱老活动", (ELDER_CENTRE,),
                     "农历九月初九重阳节，为辖区80岁以上老人集体祝寿，志愿者提供义诊、理发服务，弘扬敬老孝老美德。",
                     (50, 90), leader="elder", organizer="惠泉社区老年协会", hours=(2.0, 2.5), sign_in=0.7)),
    ),
}

# Every month: update the notice board, a patrol, a clean-up.
ROUTINE_LEAVES = ("宣传栏/板报宣传", "群防群治（治安巡逻）", "卫生整治")

REMARKS = (
    "居民反响良好", "活动信息已在社区微信群发布", "已报镇文明办备案", "下月继续开展",
    "活动经费由社区公共服务经费列支", "居民提出的意见建议已记录并分办",
)

GENERIC = Template("{leaf}活动", (MEETING_ROOM, SERVICE_CENTRE),
                   "{organizer}组织开展{leaf}活动，{n}名居民参加。", (15, 40), sign_in=0.5)


# ---------------------------------------------------------------------------------------------
# Planning (pure: no database, no files)


def leaf_categories(nodes: Sequence[CategoryNode]) -> list[CategoryNode]:
    parents = {n.parent_id for n in nodes if n.parent_id is not None}
    return [n for n in nodes if n.id not in parents]


def _parts(name: str) -> list[str]:
    for mark in "（）()、，,":
        name = name.replace(mark, "/")
    return [part for part in name.split("/") if part]


def canonical(leaf: str) -> str | None:
    """The demo's own name for a leaf category, also when the user renamed it a little
    ("宣传栏、板报宣传" is "宣传栏/板报宣传"); None for a category the demo does not know."""
    known = (*TEMPLATES, FESTIVAL_CATEGORY)
    if leaf in known:
        return leaf
    return next((name for name in known if any(part in leaf for part in _parts(name))), None)


def templates_for(leaf: str) -> tuple[Template, ...]:
    """The templates of a leaf category; an unknown category gets a generic one."""
    return TEMPLATES.get(canonical(leaf) or "", (GENERIC,))


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """First days of the `months` calendar months ending with today's month, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def workday_near(day: date) -> date:
    """Weekend dates move to the nearest workday (Saturday → Friday, Sunday → Monday)."""
    shift = {5: -1, 6: 1}.get(day.weekday(), 0)
    return day + timedelta(days=shift)


def _random_day(rng: random.Random, first: date, last: date) -> date:
    """A day in [first, last]; four in five weekend picks move to a nearby workday."""
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    if day.weekday() >= 5 and rng.random() < 0.8:
        monday, friday = day + timedelta(days=7 - day.weekday()), day - timedelta(days=day.weekday() - 4)
        for moved in (workday_near(day), monday, friday):
            if first <= moved <= last:
                return moved
    return day


def _times(rng: random.Random, day: date, hours: tuple[float, float]) -> tuple[datetime, datetime]:
    """A start and end inside office hours (08:30–17:30)."""
    slots = ((8, 30), (9, 0), (9, 30), (10, 0), (14, 30), (15, 0))
    hour, minute = rng.choice(slots)
    start = datetime.combine(day, time(hour, minute))
    halves = rng.randint(round(hours[0] * 2), round(hours[1] * 2))
    end = start + timedelta(minutes=30 * max(halves, 1))
    latest = datetime.combine(day, time(17, 30))
    if end > latest:
        start, end = start - (end - latest), latest
    return start, end


@dataclass
class Planner:
    """Turns templates into DemoActivity rows; all randomness comes from `rng`."""

    rng: random.Random
    today: date
    leaves: list[CategoryNode]
    by_name: dict[str, CategoryNode] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {}
        for node in self.leaves:
            key = canonical(node.name)
            if key is not None:
                self.by_name.setdefault(key, node)

    def leaf(self, name: str) -> CategoryNode | None:
        """The leaf category the demo calls `name` (see `canonical`)."""
        return self.by_name.get(name)

    def make(self, node: CategoryNode, template: Template, day: date) -> DemoActivity:
        rng = self.rng
        theme = rng.choice([t for t in template.themes if day.month in SEASONAL_THEMES.get(t, (day.month,))]
                           or template.themes)
        place = rng.choice(template.places)
        n = rng.randint(*template.people)
        words = {"theme": theme, "month": day.month, "place": place, "n": n, "organizer": template.organizer,
                 "leaf": node.name}
        start, end = _times(rng, day, template.hours)
        staff = STAFF[template.leader]
        done = day <= self.today
        remarks = rng.choice(REMARKS) if rng.random() < 0.35 else ""
        if not done:
            remarks = f"预计约 {n} 人参加，请提前做好场地和物资准备"
        title = template.title.format(**words)
        return DemoActivity(
            category_id=node.id, category=node.name, title=title, start=start, end=end, place=place,
            organizer=template.organizer, leader=staff.name, participants=n if done else 0,
            content=template.content.format(**words), remarks=remarks,
            status=ActivityStatus.DONE if done else ActivityStatus.PLANNED,
            sign_in=done and rng.random() < template.sign_in,
            photos=rng.choices((1, 2, 3), weights=(30, 45, 25))[0] if done else 0,
            banner=f"{DEMO_COMMUNITY}·{title}", people=self._people(staff, n),
            photographer=STAFF[rng.choice(PHOTOGRAPHERS)].name,
        )

    def _people(self, staff: Staff, n: int) -> str:
        others = [s for key, s in STAFF.items() if s != staff and key != "clerk"]
        helper = self.rng.choice(others)
        return f"{staff.label}、{helper.label}及社区居民等{n}人"

    def free_leaves(self) -> list[CategoryNode]:
        """Leaves that take ordinary activities (festival activities follow the calendar)."""
        festive = self.leaf(FESTIVAL_CATEGORY)
        return [n for n in self.leaves if n != festive] or self.leaves

    def pick(self, node: CategoryNode, month: int) -> Template:
        choices = [t for t in templates_for(node.name) if not t.months or month in t.months] or [GENERIC]
        return self.rng.choices(choices, weights=[t.weight for t in choices])[0]

    def dated(self, first: date, last: date) -> list[DemoActivity]:
        """National days between first and last (inclusive), on the workday nearest the day."""
        out = []
        for leaf_name, templates in DATED.items():
            node = self.leaf(leaf_name)
            for template in templates:
                if node is None or template.on is None:
                    continue
                for year in range(first.year, last.year + 1):
                    day = workday_near(date(year, *template.on))
                    if first <= day <= last:
                        out.append(self.make(node, template, day))
        return out

    def festival_events(self, first: date, last: date) -> list[DemoActivity]:
        node = self.leaf(FESTIVAL_CATEGORY)
        if node is None:
            return []
        out = []
        for year in range(first.year, last.year + 1):
            for fest in festivals(year):
                for days_before, template in FESTIVAL_EVENTS.get(fest.name, ()):
                    day = fest.day - timedelta(days=days_before)
                    if first <= day <= last:
                        out.append(self.make(node, template, day))
        return out

    def month(self, first: date) -> list[DemoActivity]:
        """Past activities of one calendar month (only up to today in today's month)."""
        length = calendar.monthrange(first.year, first.month)[1]
        last = min(first.replace(day=length), self.today)
        target = max(1, round(self.rng.randint(12, 18) * last.day / length))
        found = self.dated(first, last) + self.festival_events(first, last)
        routine = [node for node in map(self.leaf, ROUTINE_LEAVES) if node is not None]
        for node in routine[:max(target - len(found), 0)]:
            found.append(self.ordinary(node, first, last))
        free = self.free_leaves()
        weights = [LEAF_WEIGHTS.get(canonical(n.name) or "", 1.0) for n in free]
        while len(found) < target:
            found.append(self.ordinary(self.rng.choices(free, weights=weights)[0], first, last))
        return found

    def ordinary(self, node: CategoryNode, first: date, last: date) -> DemoActivity:
        """A non-dated activity of `node` on some day in [first, last]."""
        day = _random_day(self.rng, first, last)
        return self.make(node, self.pick(node, day.month), day)

    def planned(self) -> list[DemoActivity]:
        """A handful of activities in the coming weeks (计划中)."""
        first = self.today + timedelta(days=1)
        last = self.today + timedelta(days=PLANNED_WITHIN_DAYS)
        found = self.dated(first, last) + self.festival_events(first, last)
        free = self.free_leaves()
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        weekdays = [d for d in days if d.weekday() < 5]
        for _ in range(self.rng.randint(3, 5)):
            node = self.rng.choice(free)
            day = self.rng.choice(weekdays)
            found.append(self.make(node, self.pick(node, day.month), day))
        return found

    def cover_all(self, plan: list[DemoActivity], first: date) -> None:
        """Make sure every leaf category has at least one past activity."""
        used = {a.category_id for a in plan if a.status is ActivityStatus.DONE}
        for node in self.leaves:
            if node.id not in used:
                plan.append(self.ordinary(node, first, self.today))


def plan_activities(rng: random.Random, nodes: Sequence[CategoryNode], today: date) -> list[DemoActivity]:
    """The demo year: about 12–18 activities a month for twelve months, then a few planned ones."""
    leaves = leaf_categories(nodes)
    if not leaves:
        return []
    planner = Planner(rng, today, leaves)
    starts = month_starts(today)
    plan = [activity for first in starts for activity in planner.month(first)]
    planner.cover_all(plan, starts[0])
    plan += planner.planned()
    _leave_gaps(rng, plan)
    for activity in plan:
        if activity.sign_in:
            activity.attendees = [(resident_name(rng), resident_address(rng))
                                  for _ in range(min(activity.participants, 18))]
    plan.sort(key=lambda a: (a.start, a.title))
    return plan


def _leave_gaps(rng: random.Random, plan: list[DemoActivity]) -> None:
    """About 8% of past activities get no photos yet, so "no photos" filters have something to find."""
    past = [a for a in plan if a.status is ActivityStatus.DONE]
    for activity in rng.sample(past, max(1, round(len(past) * NO_PHOTO_SHARE))) if past else []:
        activity.photos = 0
        activity.remarks = "现场照片待补传"


def fill_activities(ctx: DemoContext) -> None:
    """The year's plan and the activities earlier steps planned (ctx.activities), created in date order;
    a campaign's meeting is linked to its campaign."""
    plan = plan_activities(ctx.rng, list_categories(ctx.session), ctx.today)
    plan = sorted([*plan, *ctx.activities], key=lambda a: (a.start, a.title))
    for index, activity in enumerate(plan, start=1):
        items = attachments_for(ctx, activity, index)
        activity_id = create_activity(ctx.session, activity.draft(), ctx.store, attachments=items)
        if activity.campaign_id is not None:
            link_activity(ctx.session, activity.campaign_id, activity_id)
        for item in items:
            Path(item.source).unlink(missing_ok=True)
        ctx.summary.activities += 1
        ctx.summary.photos += sum(1 for i in items if i.kind is AttachmentKind.PHOTO)
        ctx.summary.sign_ins += sum(1 for i in items if i.kind is AttachmentKind.SIGN_IN)
        if ctx.progress is not None:
            ctx.progress(index, len(plan))
