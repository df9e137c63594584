"""Strings of a meal point's hours, prices and seats (geo/data/hours.py; keys ``hours.``).

A status line is a head and a tail joined by " · ": "营业中 · 午餐到 13:00" / "Open · lunch
until 13:00", "已打烊 · 明天 10:30 开始午餐" / "Closed · lunch from 10:30 tomorrow".
"""

STRINGS = {
    "hours.not_published": {"zh": "营业时间未公布", "en": "Opening hours not published"},
    # heads: the state now
    "hours.head.open": {"zh": "营业中", "en": "Open"},
    "hours.head.not_yet": {"zh": "尚未营业", "en": "Not open yet"},
    "hours.head.between": {"zh": "餐间休息", "en": "Between meals"},
    "hours.head.closed": {"zh": "已打烊", "en": "Closed"},
    "hours.head.day_off": {"zh": "今天休息", "en": "Closed today"},
    "hours.head.maybe": {"zh": "可能营业（以现场为准）", "en": "May be open (check on site)"},
    # what is served: by when a window starts; a long window is opening time
    "hours.meal.breakfast": {"zh": "早餐", "en": "breakfast"},
    "hours.meal.lunch": {"zh": "午餐", "en": "lunch"},
    "hours.meal.dinner": {"zh": "晚餐", "en": "dinner"},
    "hours.meal.none": {"zh": "营业", "en": "serving"},
    # until when the window open now lasts
    "hours.until.today": {"zh": "{meal}到 {time}", "en": "{meal} until {time}"},
    "hours.until.tomorrow": {"zh": "{meal}到明天 {time}", "en": "{meal} until {time} tomorrow"},
    "hours.until.weekday": {"zh": "{meal}到{weekday} {time}", "en": "{meal} until {time} on {weekday}"},
    "hours.always": {"zh": "24 小时营业", "en": "open around the clock"},
    # when the next window starts
    "hours.from.today": {"zh": "今天 {time} 开始{meal}", "en": "{meal} from {time} today"},
    "hours.from.tomorrow": {"zh": "明天 {time} 开始{meal}", "en": "{meal} from {time} tomorrow"},
    "hours.from.weekday": {"zh": "{weekday} {time} 开始{meal}", "en": "{meal} from {time} on {weekday}"},
    "hours.from.next_week": {"zh": "下{weekday} {time} 开始{meal}", "en": "{meal} from {time} next {weekday}"},
    "hours.none_soon": {"zh": "7 天内不营业", "en": "not open in the next 7 days"},
    "hours.weekday.0": {"zh": "周一", "en": "Monday"},
    "hours.weekday.1": {"zh": "周二", "en": "Tuesday"},
    "hours.weekday.2": {"zh": "周三", "en": "Wednesday"},
    "hours.weekday.3": {"zh": "周四", "en": "Thursday"},
    "hours.weekday.4": {"zh": "周五", "en": "Friday"},
    "hours.weekday.5": {"zh": "周六", "en": "Saturday"},
    "hours.weekday.6": {"zh": "周日", "en": "Sunday"},
    # prices and seats
    "hours.price.tiers": {"zh": "{tiers} 元", "en": "¥{tiers}"},
    "hours.price.subsidy": {"zh": "敬老补贴 {yuan} 元/餐", "en": "elderly subsidy ¥{yuan} per meal"},
    "hours.seats": {"zh": "{n} 个座位", "en": {"one": "{n} seat", "other": "{n} seats"}},
}
