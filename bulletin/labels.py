"""Every word the layout prints that depends on the language, in one table."""
from __future__ import annotations

import datetime as dt

from .model import REGULAR

LANGUAGES = ("zh-CN", "en")

_EN_KINDS = {"增刊": "Supplement", "专刊": "Special Issue", "特刊": "Extra"}
_EN_MONTHS = ("January February March April May June July August September "
              "October November December").split()

TABLE = {
    "zh-CN": {
        "contents": "目　录",
        "main": "主送",
        "cc": "抄送",
        "report": "报",
        "send": "送",
        "distribute": "发",
        "added": "本期增发",
        "attachment": "附件",
        "attachments": "附件",
        "attachment_n": "附件{n}",
        "attachment_pdf": "《{title}》（PDF）",
        "copy_no": "份号",
        "recipient": "收文单位",
        "received_by": "签收人",
        "received_on": "签收日期",
        "returned_on": "清退日期",
        "colon": "：",
        "list_sep": "，",
        "full_stop": "。",
        "pdf_link": "下载PDF版",
        "docx_link": "Word版",
        "ofd_link": "OFD版",
        "copies": "共印{n}份",
        "editor": "责任编辑",
        "reviewer": "审核",
        "issuer": "签发",
        "editors_note": "编者按",
        "untitled": "（无标题）",
        "archive_nav": "简报库",
        "all_editions": "全部简报",
        "pager": "上一期和下一期",
        "year": "{year}年",
        "editions_of_year": "{year}年各期",
        "search": "搜索简报",
        "search_offline": "搜索需要通过网页服务器打开本站（例如运行 bulletin serve）。",
        "search_busy": "正在搜索……",
        "search_failed": "搜索索引未能载入，请稍后再试。",
        "search_found": "找到{n}期相关简报",
        "search_found_one": "找到1期相关简报",
        "search_none": "没有找到与“{query}”相关的简报",
        "search_more": "显示更多结果",
        "first_page": "{label}第1页",
        "html_link": "网页版",
        "pdf_short": "PDF",
        "feed": "订阅（Atom）",
        "archive_title": "{title}（全部各期）",
        "review_copy": "送审稿",
        "volume": "{year}年合订本",
        "volume_span": "{first}至{last}",
        "unit_index": "来稿单位索引",
        "unit_articles": "{n}篇",
        "seal_alt": "{publisher}电子签名印章",
    },
    "en": {
        "contents": "Contents",
        "main": "To",
        "cc": "Cc",
        "report": "Submitted to",
        "send": "Sent to",
        "distribute": "Issued to",
        "added": "Also to",
        "attachment": "Attachment",
        "attachments": "Attachments",
        "attachment_n": "Attachment {n}",
        "attachment_pdf": "{title} (PDF)",
        "copy_no": "Copy no.",
        "recipient": "Recipient",
        "received_by": "Received by",
        "received_on": "Received on",
        "returned_on": "Returned on",
        "colon": ": ",
        "list_sep": "; ",
        "full_stop": ".",
        "pdf_link": "Download the PDF",
        "docx_link": "Word",
        "ofd_link": "OFD",
        "copies": "{n} copies printed",
        "editor": "Editor",
        "reviewer": "Reviewed by",
        "issuer": "Issued by",
        "editors_note": "Editor's note",
        "untitled": "(untitled)",
        "archive_nav": "Archive",
        "all_editions": "All editions",
        "pager": "Previous and next issue",
        "year": "{year}",
        "editions_of_year": "Issues of {year}",
        "search": "Search the bulletins",
        "search_offline": "Search needs the site served by a web server (for example 'bulletin serve').",
        "search_busy": "Searching…",
        "search_failed": "The search index could not be loaded; try again later.",
        "search_found": "{n} issues found",
        "search_found_one": "1 issue found",
        "search_none": "No issue matches “{query}”",
        "search_more": "Show more results",
        "first_page": "Page 1 of {label}",
        "html_link": "Web page",
        "pdf_short": "PDF",
        "feed": "Subscribe (Atom)",
        "archive_title": "{title}: all issues",
        "review_copy": "Draft for review",
        "volume": "Volume {year}",
        "volume_span": "{first} to {last}",
        "unit_index": "Index of contributing units",
        "unit_articles": "{n} article(s)",
        "seal_alt": "Electronic signature and seal of {publisher}",
    },
}


def words(language: str) -> dict[str, str]:
    return TABLE[language]


def period_label(language: str, year: int, number: int, total: int | None, kind: str = REGULAR) -> str:
    """2018年第2期（总第42期）, or Issue 2, 2018 (No. 42).  Derived, never typed."""
    if language == "en":
        name = "Issue" if kind == REGULAR else _EN_KINDS[kind]
        label = f"{name} {number}, {year}"
        return f"{label} (No. {total})" if total is not None else label
    kind_part = "" if kind == REGULAR else kind
    label = f"{year}年{kind_part}第{number}期"
    return f"{label}（总第{total}期）" if total is not None else label


def date_label(language: str, date: dt.date) -> str:
    """Dates as GB/T 9704 writes them: 2018年3月5日, no leading zeros."""
    if language == "en":
        return f"{date.day} {_EN_MONTHS[date.month - 1]} {date.year}"
    return f"{date.year}年{date.month}月{date.day}日"


# The words of the mail `bulletin send` writes (bulletin/themes/*/mail.*), one table per language.
MAIL = {
    "zh-CN": {
        "intro": "现将《{title}》{label}发给你们，请查收。",
        "attachment": "附件",
        "web": "网页版",
        "marked": "【{mark}】",
        "subject": "{mark}{title} {label}",
    },
    "en": {
        "intro": "Please find attached {title}, {label}.",
        "attachment": "Attachment",
        "web": "On the web",
        "marked": "[{mark}] ",
        "subject": "{mark}{title} {label}",
    },
}


def mail_words(language: str) -> dict[str, str]:
    return MAIL[language]
