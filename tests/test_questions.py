"""Competency questions: what a policy researcher asks of this corpus, as saved queries
(queries/*.rq whose comment starts with ``# Q<n>.``), each checked against the answer the
graph gives for the bundled corpus (docs/questions.md lists them with these answers).

Questions whose fact the corpus does not state are answered "not stated" by the query
itself (COALESCE over an OPTIONAL), never with a guessed value such as a page's posting
date."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tx_graph.api import KnowledgeGraph
from tx_graph.query import read_query

QUERIES = Path(__file__).resolve().parents[1] / "queries"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "questions.md"
# the curation line of a fact moves whenever facts.yaml is edited above it
ANY_LINE = re.compile(r"curation/facts\.yaml:\d+:5")

# query name → the rows it answers, in its ORDER BY order, every value as a string
EXPECTED: dict[str, list[tuple[Any, ...]]] = {
    # Q1. Which companies were named 工信部制造业单项冠军示范企业, by which body, in which year?
    "single-champion-winners": [
        ("巨石集团有限公司", "中华人民共和国工业和信息化部", "2017"),
        ("新凤鸣集团股份有限公司", "中华人民共和国工业和信息化部", "2017"),
        ("桐昆集团股份有限公司", "中华人民共和国工业和信息化部", "2017"),
    ],
    # Q2. Which villages received a title or designation, which one, and in which year?
    "village-designations": [
        ("吉字浜村", "省级美丽宜居示范村", "2017"),
        ("店街塘村", "省级美丽宜居示范村", "2017"),
        ("横港村", "省级美丽宜居示范村", "2017"),
        ("殷家漾村", "全国“一村一品”示范村", "2017"),
        ("马鸣村", "省级历史文化保护利用重点村", "2017"),
    ],
    # Q3. Which titles has 濮院镇 been given, and when ("not stated" where the text gives no year)?
    "puyuan-titles": [
        ("国家卫生镇(第二轮复查通过)", "2017", "achieved"),
        ("特色小镇3A级景区", "2017", "achieved"),
        ("省级现代农业园区创建对象", "2017", "achieved"),
        ("中国纺织服装电子商务公共服务示范基地", "not stated", "achieved"),
        ("中国羊毛衫名镇(2016-2018)", "not stated", "achieved"),
        ("嘉兴市小城市培育试点镇", "not stated", "achieved"),
        ("国家卫生镇(复查通过)", "not stated", "achieved"),
        ("省级现代服务业集聚示范区", "not stated", "achieved"),
        ("首个省级五星级司法所", "not stated", "achieved"),
        ("首批省级特色小镇和中国特色小镇名单", "not stated", "achieved"),
    ],
    # Q4. Which titles name the national body that gave them (direct edge tx:awardedBy)?
    "awards-by-grantor": [
        ("合众新能源汽车有限公司", "国家发改委第13张新能源汽车生产牌照", "中华人民共和国国家发展和改革委员会"),
        ("巨石集团有限公司", "工信部制造业单项冠军示范企业", "中华人民共和国工业和信息化部"),
        ("新凤鸣集团股份有限公司", "工信部制造业单项冠军示范企业", "中华人民共和国工业和信息化部"),
        ("桐昆集团股份有限公司", "工信部制造业单项冠军示范企业", "中华人民共和国工业和信息化部"),
    ],
    # Q5. Which titles did 桐乡市 win in 2017, and which did it set out to win in 2018 (plan vs actual)?
    "tongxiang-titles-planned-vs-achieved": [
        ("全省畜牧业绿色发展示范市", "2017", "achieved"),
        ("省“四好农村路”示范县", "2017", "achieved"),
        ("省科普示范市", "2017", "achieved"),
        ("省级农产品质量安全示范市", "2017", "achieved"),
        ("无违建先进市", "2018", "planned"),
    ],
    # Q6. Which foreign countries and cities are partners of 桐乡市 (direct edge tx:partnerOf)?
    "foreign-partners-of-tongxiang": [
        ("以色列", "以色列"),
        ("库比蒂诺市", "美国"),
    ],
    # Q7. With which city did 桐乡 establish friendly exchange relations, and when?
    "friendly-exchange": [
        (
            "以色列",
            "",
            "此后,桐乡组织招商团队赴以色列开展经贸洽谈,在为期数天的考察中,通过多场招商推介与座谈交流,签署多个项目意向协议及城市友好交流关系备忘录,进一步推动两地企业合作意向转化。",
        ),
        ("库比蒂诺市", "2017", "成功举办第二届国际经贸洽谈会,与美国库比蒂诺市缔结友好交流关系。"),
    ],
    # Q8. Which companies, organisations and countries does 濮院镇 cooperate with, per document year?
    "puyuan-cooperation-partners": [
        ("京东集团股份有限公司", "company", "2017"),
        ("唯品会控股有限公司", "company", "2017"),
        ("阿里巴巴集团控股有限公司", "company", "2017"),
        ("意大利", "country", "not stated"),
        ("韩国", "country", "not stated"),
        ("东华大学", "organisation", "2017"),
        ("中国纺织工业联合会", "organisation", "2017"),
        ("江南大学", "organisation", "2017"),
        ("韩国时尚协会", "organisation", "2017"),
    ],
    # Q9. The 桐乡–以色列 cooperation step by step, at the finest date the article gives.
    "israel-cooperation-timeline": [
        ("MilestoneStatement", "2017-07", "乌镇以色列信息产业园启动(2017-07)"),
        ("PartnershipStatement", "2017-09", "桐乡市与以色列合作(2017-09)"),
        ("MilestoneStatement", "not stated", "乌镇以色列信息产业园落户(乌镇镇)"),
        ("PartnershipStatement", "not stated", "桐乡市与以色列合作"),
    ],
    # Q10. Who manages (托管) 桐乡市第四人民医院, and which documents say so, with their years?
    "who-manages-the-fourth-hospital": [
        ("嘉兴市第二医院", "2018年濮院镇政府工作报告", "2017", "achieved"),
        ("嘉兴市第二医院", "濮院镇2020年工作要点", "2020", "planned"),
        ("嘉兴市第二医院", "2017年桐乡市濮院镇政府工作报告", "not stated", "achieved"),
    ],
    # Q11. Which entities were renamed: former name, current name, and the sentence saying so.
    "renamed-entities": [
        (
            "濮院镇中心卫生院",
            "桐乡市第四人民医院",
            "实施基层医疗机构改革,濮院镇中心卫生院更名为桐乡市第四人民医院,嘉兴二院托管成效显著。",
        ),
    ],
    # Q12. When was 濮院镇中心卫生院 renamed 桐乡市第四人民医院? ("not stated" when no document dates it)
    "when-was-the-health-centre-renamed": [
        ("桐乡市第四人民医院", "not stated"),
    ],
    # Q13. Which projects and venues reached a milestone in 2017 according to the 2018 city report?
    "city-milestones-2017": [
        ("崇福镇中心幼儿园", "建成启用"),
        ("开发区互联网产业园", "建成启用"),
        ("桐乡市公共卫生服务中心", "建成启用"),
        ("桐乡市公共服务中心", "建成启用"),
        ("桐乡市妇幼保健院", "建成启用"),
        ("残疾人托养(庇护)中心", "建成启用"),
        ("颐康护理院", "建成启用"),
        ("乌镇大道北段", "开业/开放/通车"),
        ("桐乡技师学院", "开业/开放/通车"),
        ("耀华学校", "开业/开放/通车"),
        ("聚晟创业园", "开工"),
        ("天星变电站", "投入运营"),
        ("陈庄变电站", "投入运营"),
        ("东宗线二期", "竣工"),
        ("中国航天科工三院310所", "落户"),
        ("濮院镇有机更新项目", "通过评审"),
    ],
    # Q14. Which companies settled (落户) in 濮院镇, and when?
    "settled-in-puyuan": [
        ("EGLASS", "2017"),
        ("伊芙丽", "2017"),
        ("壳牌石油", "2017"),
    ],
    # Q15. Which milestones did the 2018 city report plan for 2018 (qualifier planned)?
    "planned-milestones-2018": [
        ("320国道改建工程", "launched"),
        ("世界毛衫博览中心", "in operation"),
        ("临杭大道", "opened"),
        ("乌镇人民医院迁建工程", "completed"),
        ("市一院急诊大楼", "completed"),
        ("市二院改扩建工程", "completed"),
        ("桐乡市城市规划馆", "opened"),
        ("濮院时尚中心", "in operation"),
    ],
    # Q16. Which facts does the corpus date to a month or a day (not only a year)?
    "facts-dated-to-month-or-day": [
        ("2017-01-11", "day", "濮院镇人民代表大会举办濮院镇第十七届人民代表大会第一次会议(2017-01-11)"),
        ("2017-07", "month", "乌镇以色列信息产业园启动(2017-07)"),
        ("2017-09", "month", "桐乡市与以色列合作(2017-09)"),
        ("2017-09", "month", "桐乡市举办聚焦桐乡·相约乌镇国际经贸洽谈活动(2017-09)"),
        ("2018-01-29", "day", "濮院镇人民代表大会举办濮院镇第十七届人民代表大会第三次会议(2018-01-29)"),
        ("2020-09", "month", "濮新学校(一期)建成启用(2020-09)"),
    ],
    # Q17. When is 濮新学校(一期) to be put into use, and is that a plan or a record?
    "puxin-school-in-use": [
        ("2020-09", "planned", "濮新学校(一期)9月正式投入使用"),
    ],
    # Q18. What happened to 濮院轻纺城 across the reports: each milestone with its document.
    "textile-city-milestones": [
        ("opened", "2017", "2018年濮院镇政府工作报告"),
        ("launched", "not stated", "2017年桐乡市濮院镇政府工作报告"),
    ],
    # Q19. Which places are the main and secondary platforms of the 一主两副多点 layout?
    "platform-roles": [
        ("主平台", "乌镇大道科创集聚区"),
        ("副平台", "崇福镇"),
        ("副平台", "洲泉镇"),
    ],
    # Q20. What are the 一轴, 两核 and 四区 of 一轴两核四区?
    "yi-zhou-liang-he-si-qu-roles": [
        ("一轴(主轴)", "乌镇大道"),
        ("两核(核心)", "乌镇镇"),
        ("两核(核心)", "高桥街道"),
        ("四区(由北至南)", "互联网产业区"),
        ("四区(由北至南)", "先进制造产业区"),
        ("四区(由北至南)", "宜居智慧新城区"),
        ("四区(由北至南)", "时尚特色产业区"),
    ],
    # Q21. The parts of 濮院's 八大战役 in order, each with the city battle it shares its theme with.
    "eight-battles": [
        ("1/8", "产业转型战役", "none stated"),
        ("2/8", "市场提档战役", "none stated"),
        ("3/8", "精准招商战役", "精准招商持久战"),
        ("4/8", "退散进集战役", "退散进集大会战"),
        ("5/8", "拔钉清障战役", "拔钉清障攻坚战"),
        ("6/8", "垃圾处置战役", "垃圾处置能力提升战"),
        ("7/8", "出租房屋隐患整治战役", "出租房安全隐患歼灭战"),
        ("8/8", "民生实事工程", "none stated"),
    ],
    # Q22. Which battles of 濮院's 八大战役 share a theme with a battle of 桐乡's 六场战役?
    "themes-shared-by-town-and-city": [
        ("出租房屋隐患整治战役", "出租房安全隐患歼灭战"),
        ("垃圾处置战役", "垃圾处置能力提升战"),
        ("拔钉清障战役", "拔钉清障攻坚战"),
        ("精准招商战役", "精准招商持久战"),
        ("退散进集战役", "退散进集大会战"),
    ],
    # Q23. The six battles of 桐乡's 六场战役 in the order the glossary lists them.
    "six-battles-in-order": [
        ("1/6", "退散进集大会战"),
        ("2/6", "拔钉清障攻坚战"),
        ("3/6", "精准招商持久战"),
        ("4/6", "文明市创建(国卫复查)决胜战"),
        ("5/6", "垃圾处置能力提升战"),
        ("6/6", "出租房安全隐患歼灭战"),
    ],
    # Q24. Which events did 桐乡市 host in 2017: kind and edition.
    "events-hosted-by-tongxiang-2017": [
        ("2017中国家纺大会", "conference", ""),
        ("中国·乌镇围棋峰会", "contest", ""),
        ("桐乡市文化发展大会", "conference", ""),
        ("第二届丰子恺中外散文奖", "contest", "2"),
        ("第二届国际经贸洽谈会", "tradeFair", "2"),
        ("第六届中国创新创业大赛互联网及移动互联网行业总决赛", "contest", "6"),
        ("第四届世界互联网大会·乌镇峰会", "conference", "4"),
        ("茅盾文学新人奖", "contest", ""),
        ("钱君匋诞辰110周年暨君匋艺术院建院三十周年", "conference", ""),
    ],
    # Q25. Which editions of the 世界互联网大会 does the corpus speak of, held or planned, and when?
    "world-internet-conference-editions": [
        ("4", "2017", "achieved"),
        ("5", "2018", "planned"),
    ],
    # Q26. Which people's congress sessions does the corpus name, and on which day were they held?
    "congress-sessions": [
        ("濮院镇第十七届人民代表大会第一次会议", "2017-01-11"),
        ("濮院镇第十七届人民代表大会第三次会议", "2018-01-29"),
        ("桐乡市第十六届人民代表大会第一次会议", "not stated"),
        ("濮院镇第十六届人民代表大会第一次会议", "not stated"),
    ],
    # Q27. How many events of each kind do the documents say were held or planned?
    "events-by-kind": [
        ("contest", "9", "8"),
        ("conference", "7", "7"),
        ("exhibition", "5", "5"),
        ("tradeFair", "5", "5"),
        ("congressSession", "4", "4"),
        ("festival", "4", "5"),
        ("signingCeremony", "1", "1"),
    ],
    # Q28. Which events does 濮院's 2020 work plan set out to hold?
    "puyuan-events-2020": [
        ("中国·濮院时尚周", "exhibition"),
        ("丰收节", "festival"),
        ("优质农产品展销会", "exhibition"),
        ("农洽会", "tradeFair"),
        ("第五届濮院杯中国针织设计师大赛", "contest"),
        ("葡萄节", "festival"),
    ],
    # Q29. Which events took place or are to take place in 乌镇, and when?
    "events-in-wuzhen": [
        ("中国·乌镇围棋峰会", "2017"),
        ("第四届世界互联网大会·乌镇峰会", "2017"),
        ("聚焦桐乡·相约乌镇国际经贸洽谈活动", "2017-09"),
        ("乌镇戏剧节", "2018"),
        ("第五届世界互联网大会·乌镇峰会", "2018"),
    ],
    # Q30. How much foreign investment did 桐乡 actually use in 1-9月, and does the text say which year?
    "foreign-investment-jan-sep": [
        ("实际利用外资(部口径)", "1-9月", "380000000", "3.8亿美元", "cumulative", "false"),
        ("高技术产业实际利用外资", "1-9月", "225000000", "2.25亿美元", "cumulative", "false"),
    ],
    # Q31. In which year did 桐乡 use 3.8亿美元 of foreign investment in 1-9月? ("not stated": the page's posting date is not the year)
    "which-year-was-the-fdi": [
        ("3.8亿美元", "not stated", "2025-07-14"),
    ],
    # Q32. Which news figures do not say which year they are about?
    "figures-without-a-year": [
        ("嘉兴项目获中央资金支持提升产业环境", "中央预算内投资支持", "4250万元"),
        ("嘉兴项目获中央资金支持提升产业环境", "获得专项支持的企业", "3家"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "到资总额", "3.05亿美元"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "合同外资(气压动力机械制造项目)", "3400万美元"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "实际利用外资(部口径)", "3.8亿美元"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "实际利用外资同比增长", "30%"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "总投资1亿美元及以上外资项目", "7个"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "新注册高技术产业外资项目", "7个"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "高技术产业外资项目合同外资", "3000万美元"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "高技术产业实际利用外资", "2.25亿美元"),
        ("桐乡深化证照分离改革助力招商引资优化营商环境", "备案服务企业", "200家"),
        ("桐乡深化证照分离改革助力招商引资优化营商环境", "新增外贸企业数量年均增长", "15%"),
    ],
    # Q33. How many news figures are cumulative, annual averages, expected, planned, or unqualified?
    "figures-by-qualifier": [
        ("none", "8"),
        ("cumulative", "7"),
        ("annualAverage", "1"),
    ],
    # Q34. Every amount of money in the news articles, in base units (yuan or US dollars), largest first per currency.
    "news-money-figures": [
        ("CNY", "2000000000", "20亿元", "“桐贸贷”专项授信额度"),
        ("CNY", "42500000", "4250万元", "中央预算内投资支持"),
        ("USD", "380000000", "3.8亿美元", "实际利用外资(部口径)"),
        ("USD", "305000000", "3.05亿美元", "到资总额"),
        ("USD", "225000000", "2.25亿美元", "高技术产业实际利用外资"),
        ("USD", "34000000", "3400万美元", "合同外资(气压动力机械制造项目)"),
        ("USD", "30000000", "3000万美元", "高技术产业外资项目合同外资"),
    ],
    # Q35. How much central budget investment did 嘉兴 projects receive, for how many firms, and in which year?
    "central-funds-for-jiaxing": [
        ("中央预算内投资支持", "42500000", "yuan", "not stated"),
        ("获得专项支持的企业", "3", "enterprise", "not stated"),
    ],
    # Q36. How many firms do the news articles count (figures in enterprises), with qualifier and year?
    "number-of-firms": [
        ("备案服务企业", "200", "cumulative", "not stated"),
        ("参加线上展会的企业", "120", "", "2024"),
        ("获得专项支持的企业", "3", "", "not stated"),
    ],
    # Q37. How many reviewed (curated) facts of each kind does each document state?
    "statements-per-document": [
        ("2017年桐乡市濮院镇政府工作报告", "Award", "8"),
        ("2017年桐乡市濮院镇政府工作报告", "Event", "5"),
        ("2017年桐乡市濮院镇政府工作报告", "Management", "1"),
        ("2017年桐乡市濮院镇政府工作报告", "Milestone", "6"),
        ("2017年桐乡市濮院镇政府工作报告", "Partnership", "1"),
        ("2017年桐乡市濮院镇政府工作报告", "Rename", "1"),
        ("2017年桐乡市濮院镇政府工作报告", "Role", "2"),
        ("2018年桐乡市政府工作报告", "Award", "13"),
        ("2018年桐乡市政府工作报告", "Event", "17"),
        ("2018年桐乡市政府工作报告", "Milestone", "19"),
        ("2018年桐乡市政府工作报告", "Partnership", "2"),
        ("2018年桐乡市政府工作报告", "Role", "22"),
        ("2018年濮院镇政府工作报告", "Award", "4"),
        ("2018年濮院镇政府工作报告", "Event", "7"),
        ("2018年濮院镇政府工作报告", "Management", "1"),
        ("2018年濮院镇政府工作报告", "Milestone", "4"),
        ("2018年濮院镇政府工作报告", "Partnership", "3"),
        ("2018年濮院镇政府工作报告", "Role", "12"),
        ("嘉兴项目获中央资金支持提升产业环境", "Figure", "2"),
        ('桐乡"企业服务直通车"畅通企业转型发展新路', "Figure", "3"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "Figure", "8"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "Milestone", "1"),
        ("桐乡市招商引资成效显著 外资利用呈现多点开花态势", "Partnership", "1"),
        ("桐乡深化证照分离改革助力招商引资优化营商环境", "Figure", "3"),
        ("江南古镇与创新国度的产业融合 桐乡以色列共建合作新平台", "Event", "1"),
        ("江南古镇与创新国度的产业融合 桐乡以色列共建合作新平台", "Milestone", "2"),
        ("江南古镇与创新国度的产业融合 桐乡以色列共建合作新平台", "Partnership", "3"),
        ("濮院镇2020年工作要点", "Event", "5"),
        ("濮院镇2020年工作要点", "Management", "1"),
        ("濮院镇2020年工作要点", "Milestone", "3"),
    ],
    # Q38. Per report: how many reviewed facts record what was achieved and how many set out plans?
    "planned-vs-achieved-by-report": [
        ("2017年桐乡市濮院镇政府工作报告", "achieved", "19"),
        ("2017年桐乡市濮院镇政府工作报告", "planned", "3"),
        ("2018年桐乡市政府工作报告", "achieved", "37"),
        ("2018年桐乡市政府工作报告", "planned", "17"),
        ("2018年濮院镇政府工作报告", "achieved", "18"),
        ("2018年濮院镇政府工作报告", "planned", "10"),
    ],
    # Q39. Where does the 全国“一村一品”示范村 title come from: sentence, document, the date the site posted it, and the curation line?
    "provenance-of-a-fact": [
        (
            "新型农业现代化“一镇三村”[1]试点推进顺利,石门殷家漾村获评全国“一村一品”示范村。",
            "2018年桐乡市政府工作报告",
            "2025-07-19",
            ANY_LINE,
        ),
    ],
    # Q40. Every stated fact about the hospital the reports also call 桐乡四院 or 濮院镇中心卫生院 (one entity, many names).
    "facts-about-an-alias": [
        ("Management", "嘉兴市第二医院托管桐乡市第四人民医院", "2017年桐乡市濮院镇政府工作报告"),
        ("Management", "嘉兴市第二医院托管桐乡市第四人民医院", "2018年濮院镇政府工作报告"),
        ("Management", "嘉兴市第二医院托管桐乡市第四人民医院", "濮院镇2020年工作要点"),
        ("Rename", "濮院镇中心卫生院更名为桐乡市第四人民医院", "2017年桐乡市濮院镇政府工作报告"),
    ],
    # Q41. Was the 茅盾文学新人奖 held in 2017 and planned again for 2018? (the same event series across two years)
    "mao-dun-award-across-reports": [
        (
            "2017",
            "achieved",
            "举办第二届丰子恺中外散文奖、茅盾文学新人奖和钱君匋诞辰110周年暨君匋艺术院建院三十周年等系列活动",
        ),
        ("2018", "planned", "高质量举办乌镇戏剧节、茅盾文学新人奖、丰子恺诞辰120周年等系列活动"),
    ],
    # Q42. How many stated facts are curated (reviewed), and how many were read by a rule and await review?
    "curated-and-extracted-facts": [
        ("curated", "161"),
        ("extracted, awaiting review", re.compile(r"\d+")),
    ],
    # Q43. Has 乌镇镇 itself a partner city? ("not stated" when no document says so)
    "does-wuzhen-have-a-sister-city": [
        ("not stated",),
    ],
    # Q44. When did EGLASS sign (签约) with 濮院, and when did it settle? ("not stated" for a stage no document dates)
    "when-did-eglass-sign": [
        ("settled", "2017"),
        ("signed", "not stated"),
    ],
    # Q45. Which project did 桐乡 attract in 9月 of an unstated year, with its contract foreign investment?
    "signed-in-an-unstated-month": [
        ("气压动力机械制造项目", "9月", "34000000", "false"),
    ],
    # Q46. Which figures are cumulative totals and which are annual averages (累计 vs 年均)?
    "cumulative-vs-annual-average": [
        ("annualAverage", "新增外贸企业数量年均增长", "15%"),
        ("cumulative", "到资总额", "3.05亿美元"),
        ("cumulative", "备案服务企业", "200家"),
        ("cumulative", "实际利用外资(部口径)", "3.8亿美元"),
        ("cumulative", "实际利用外资同比增长", "30%"),
        ("cumulative", "总投资1亿美元及以上外资项目", "7个"),
        ("cumulative", "跨境电商运营培训(场)", "32个"),
        ("cumulative", "高技术产业实际利用外资", "2.25亿美元"),
    ],
    # Q47. Which body convened each people's congress session, where, and which edition (届) was it?
    "congress-sessions-convenors": [
        ("桐乡市第十六届人民代表大会第一次会议", "桐乡市人民代表大会", "桐乡市", "16"),
        ("濮院镇第十七届人民代表大会第一次会议", "濮院镇人民代表大会", "濮院镇", "17"),
        ("濮院镇第十七届人民代表大会第三次会议", "濮院镇人民代表大会", "濮院镇", "17"),
        ("濮院镇第十六届人民代表大会第一次会议", "濮院镇人民代表大会", "濮院镇", "16"),
    ],
}


def questions() -> dict[str, str]:
    """Saved competency questions: name → first line."""
    out = {}
    for path in sorted(QUERIES.glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if re.match(r"# Q\d+\. ", first):
            out[path.stem] = first
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_every_question_has_an_expected_answer_and_a_doc_entry() -> None:
    saved = questions()
    assert len(saved) >= 40
    assert set(saved) == set(EXPECTED)
    numbers = sorted(int(re.match(r"# Q(\d+)", line).group(1)) for line in saved.values())  # type: ignore[union-attr]
    assert numbers == list(range(1, len(saved) + 1))
    documented = DOCS.read_text(encoding="utf-8")
    for name in saved:
        assert f"`{name}`" in documented, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_question(kg: KnowledgeGraph, name: str) -> None:
    sparql = read_query(name, QUERIES)
    variables = kg.query(sparql).variables
    answer = [tuple(_text(row.get(v, "")) for v in variables) for row in kg.select(sparql)]
    expected = EXPECTED[name]
    assert len(answer) == len(expected), answer
    for got, want in zip(answer, expected, strict=True):
        for g, w in zip(got, want, strict=True):
            assert w.fullmatch(g) if isinstance(w, re.Pattern) else g == w, (name, got, want)


def test_unstated_facts_are_answered_not_stated(kg: KnowledgeGraph) -> None:
    """The year of a news figure is never taken from the page's posting date."""
    rows = kg.select(read_query("which-year-was-the-fdi", QUERIES))
    assert rows and all(r["year"] == "not stated" for r in rows)
    assert str(rows[0]["postedOn"]).startswith("2025")
