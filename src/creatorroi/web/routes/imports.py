"""Placeholder: filled in by its page's change."""

from fastapi import APIRouter

router = APIRouter()
