"""Her star (the radar of her check-ins) as an SVG picture, for the chat page.

The link comes from the conversation ("how am I doing?"), signed and short-lived
(bot/support/progress.py): no login, no name in it, nothing cached. The picture names
the areas on its spokes and says in its title and description what it shows; the
numbers themselves came in the message above it.
"""

from __future__ import annotations

from html import escape

from sanic import Blueprint, response
from sanic.request import Request

from bot.db.session import run_db
from bot.db.types import utcnow
from bot.support import service
from bot.support.progress import Star, read_star_token
from bot.web.staff import radar
from bot.wording import say

PAD = 110  # room each side for the areas' names
PAD_Y = 20  # above and below: the names there are short lines
FONT = 17  # readable when the picture is scaled down to a phone's width
LINE = 19


def _wrap(name: str, width: int = 11) -> list[str]:
    """An area's name on at most two lines, broken between words."""
    words, lines = name.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def render(star: Star) -> str:
    plot = radar.build(star.names, [(d.isoformat(), scores) for d, scores in star.readings])
    width, height = plot.size + 2 * PAD, plot.size + 2 * PAD_Y
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="t d" width="{width}" height="{height}" '
        f'viewBox="{-PAD} {-PAD_Y} {width} {height}" font-family="sans-serif">',
        f'<title id="t">{escape(say("support.star_alt"))}</title>',
        '<desc id="d">'
        + escape("; ".join(f"{n}: {s if s is not None else '-'}" for n, s in zip(star.names, star.readings[-1][1])))
        + "</desc>",
        f'<rect x="{-PAD}" y="{-PAD_Y}" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for i, ring in enumerate(plot.rings):
        colour = "#999999" if i == len(plot.rings) - 1 else "#dddddd"
        out.append(f'<polygon points="{ring}" fill="none" stroke="{colour}" stroke-width="1"/>')
    for s in plot.spokes:
        out.append(
            f'<line x1="{plot.centre}" y1="{plot.centre}" x2="{s.x}" y2="{s.y}" stroke="#cccccc" stroke-width="1"/>'
        )
        lines = _wrap(s.name)
        top = s.label_y - (len(lines) - 1) * LINE / 2
        spans = "".join(
            f'<tspan x="{s.label_x}" y="{top + i * LINE:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
        )
        out.append(f'<text text-anchor="{s.anchor}" font-size="{FONT}" fill="#222222">{spans}</text>')
    for shape in plot.shapes:
        out.append(f'<g opacity="{shape.opacity}">')
        if shape.d:
            dash = f' stroke-dasharray="{shape.dash}"' if shape.dash else ""
            out.append(
                f'<path d="{shape.d}" fill="{shape.fill}" fill-opacity="{shape.fill_opacity}" '
                f'stroke="{shape.stroke}" stroke-width="{shape.width}"{dash}/>'
            )
        for x, y in shape.dots:
            out.append(f'<circle cx="{x}" cy="{y}" r="{3.5 if shape.latest else 2.5}" fill="{shape.stroke}"/>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def add_routes(bp: Blueprint, headers: dict[str, str]) -> None:
    @bp.get("/star/<token:str>", name="star")
    async def star(request: Request, token: str):
        referral_id = read_star_token(token.removesuffix(".svg"), utcnow())
        found = await run_db(service.star_for, referral_id) if referral_id is not None else None
        if found is None:
            return response.text("Not found", status=404, headers=headers)
        return response.text(
            render(found),
            content_type="image/svg+xml; charset=utf-8",
            headers={**headers, "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
        )
