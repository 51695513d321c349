"""A fake of Hugging Face's daily papers API that behaves as the real one does, read from huggingface_hub's
client and the Hub's documentation:

- GET /api/daily_papers?date=D&p=N&limit=L answers page N of the day's list, newest first; `limit` defaults to 50,
  and the page size is capped silently (at `cap`): a client never learns it from the answer.
- The list of day D fills while D lasts, and a little after: each paper has the moment it was listed, and an answer
  shows only the papers listed by the fake's clock (the same clock the command under test reads).
- Upvotes grow with time.
- Past the end of the list, a page is empty (`[]`).
- 429 answers carry the IETF RateLimit fields (`RateLimit: "api";r=0;t=S`, `RateLimit-Policy`), no Retry-After.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from fakeapi import Answer, FakeApi

ABSTRACT = ("We study things in depth. Our results show that things are better than before, and that this holds "
            "across many settings, tasks and model sizes, which we discuss at length.")


@dataclass
class Listed:
    """One paper on one day's list."""

    arxiv_id: str
    day: datetime.date
    at: datetime.datetime
    """When it appeared on the list."""
    title: str = ""

    def row(self, now: datetime.datetime) -> dict:
        hours = max(0, int((now - self.at).total_seconds() // 3600))
        title = self.title or f"Paper {self.arxiv_id} of {self.day}"
        return {"paper": {"id": self.arxiv_id, "title": title, "summary": ABSTRACT,
                          "authors": [{"name": "Ann Author"}], "upvotes": hours,
                          "publishedAt": f"{self.day}T00:00:00.000Z",
                          "submittedOnDailyAt": self.at.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
                "publishedAt": self.at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "title": title, "numComments": 0,
                "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{self.arxiv_id}.png"}


@dataclass
class Hub:
    """Hugging Face's daily papers, on a clock."""

    clock: Callable[[], datetime.datetime]
    cap: int = 50
    """The largest page the service gives, whatever `limit` asks."""
    papers: list[Listed] = field(default_factory=list)
    throttle: set[int] = field(default_factory=set)
    """Request numbers (1-based, over all daily-list requests) answered 429."""
    reset: int = 1
    """The seconds a 429 says are left until the rate limit's window resets (its RateLimit field's t)."""
    asked: int = 0

    def add(self, day: datetime.date, at: datetime.datetime, count: int = 1) -> list[Listed]:
        start = len(self.papers)
        new = [Listed(f"{day:%y%m}.{start + n:05d}", day, at) for n in range(count)]
        self.papers += new
        return new

    def listed(self, day: datetime.date) -> list[Listed]:
        """The day's list as it stands now, newest first."""
        now = self.clock()
        return sorted((p for p in self.papers if p.day == day and p.at <= now), key=lambda p: (p.at, p.arxiv_id),
                      reverse=True)

    def answer(self, path: str, query: dict[str, str]) -> Answer:
        self.asked += 1
        if self.asked in self.throttle:
            return Answer(429, b'{"error": "You have been rate-limited"}',
                          {"RateLimit": f'"api";r=0;t={self.reset}',
                           "RateLimit-Policy": '"fixed window";"api";q=500;w=300'})
        day = datetime.date.fromisoformat(query["date"])
        size = min(int(query.get("limit", 50)), self.cap)
        page = int(query.get("p", 0))
        rows = [p.row(self.clock()) for p in self.listed(day)[page * size:(page + 1) * size]]
        return Answer(200, json.dumps(rows).encode(), {"Content-Type": "application/json"})

    def attach(self, api: FakeApi) -> None:
        api.route(lambda path, q: path == "/api/daily_papers", self.answer)
