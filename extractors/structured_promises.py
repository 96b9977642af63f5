"""Promises stated in schema.org markup: return policies, free shipping, warranties."""

from __future__ import annotations

from typing import Any

from .fields import number_value
from .promises import find_promises

SOURCE = "structured-data"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _return_policies(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for holder in [node, *_as_list(node.get("offers"))]:
        if isinstance(holder, dict):
            out.extend(p for p in _as_list(holder.get("hasMerchantReturnPolicy"))
                       if isinstance(p, dict))
    return out


def structured_promises(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Promise records from Product nodes (``source`` = ``structured-data``)."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        for policy in _return_policies(node):
            category = str(policy.get("returnPolicyCategory") or "").rsplit("/", 1)[-1]
            if category == "MerchantReturnNotPermitted":
                continue
            days = number_value(policy.get("merchantReturnDays"))
            params = {"days": int(days)} if days else {}
            text = f"hasMerchantReturnPolicy: {category or 'return policy'}"
            text += f", merchantReturnDays={int(days)}" if days else ""
            out.append({"code": "return_no_reason", "text": text, "params": params,
                        "source": SOURCE})
            fees = str(policy.get("returnFees") or "").rsplit("/", 1)[-1]
            if fees == "FreeReturn":
                out.append({"code": "return_no_reason", "text": "returnFees: FreeReturn",
                            "params": {}, "source": SOURCE})
        for offer in _as_list(node.get("offers")):
            if not isinstance(offer, dict):
                continue
            for detail in _as_list(offer.get("shippingDetails")):
                rate = detail.get("shippingRate") if isinstance(detail, dict) else None
                if isinstance(rate, dict) and number_value(rate.get("value")) == 0:
                    out.append({"code": "free_shipping", "text": "shippingRate: 0",
                                "params": {}, "source": SOURCE})
        for warranty in _as_list(node.get("warranty")):
            if isinstance(warranty, dict):
                duration = warranty.get("durationOfWarranty")
                if isinstance(duration, dict):
                    value = number_value(duration.get("value"))
                    unit = str(duration.get("unitCode") or "").upper()
                    months = value * 12 if unit == "ANN" else value if unit == "MON" else None
                    if months:
                        out.append({"code": "warranty", "text": f"durationOfWarranty: {value:g} "
                                    f"{unit}", "params": {"months": int(months)},
                                    "source": SOURCE})
        desc = node.get("description")
        if isinstance(desc, str):
            out.extend(find_promises(desc, SOURCE))
    return out
