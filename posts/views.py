from django.shortcuts import render


def home(request):
    """The front page of the blog."""
    return render(request, "posts/home.html", {"posts": []})
