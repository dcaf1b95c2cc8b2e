"""What `load_demo` writes: the demo author, categories, tags, pages and posts about MS treatment.

Dates are relative (days before or after the first load) so a fresh demo always looks current; once
created, objects are never rewritten, so edits made in the admin survive another `load_demo`.
"""

from dataclasses import dataclass

AUTHOR = {
    "username": "demo-author",
    "first_name": "Helen",
    "last_name": "Marsh",
    "email": "demo-author@example.org",
}


@dataclass(frozen=True)
class DemoCategory:
    name: str
    slug: str
    description: str
    parent: str | None = None  # slug of the parent category


CATEGORIES = (
    DemoCategory("Treatment", "treatment", "Medicines, rehabilitation and the decisions around them."),
    DemoCategory(
        "Disease-modifying therapies",
        "disease-modifying-therapies",
        "Drugs that reduce relapses and new lesions, and what they can and cannot do for progression.",
        parent="treatment",
    ),
    DemoCategory("Research", "research", "New studies, read carefully: what was tested, on whom, and what it means."),
    DemoCategory("Living with MS", "living-with-ms", "Symptoms, daily life and the practical side of a long illness."),
)

TAGS = {
    "rituximab": "rituximab",
    "b-cells": "B cells",
    "progressive-ms": "progressive MS",
    "mri": "MRI",
    "clinical-trials": "clinical trials",
    "fatigue": "fatigue",
    "exercise": "exercise",
    "btk-inhibitors": "BTK inhibitors",
    "vitamin-d": "vitamin D",
}


@dataclass(frozen=True)
class DemoPage:
    title: str
    slug: str
    order: int
    body: str


PAGES = (
    DemoPage(
        "About",
        "about",
        1,
        """\
**MS Research Notes** is a blog about multiple sclerosis: how it behaves, how it is treated, and
what new research does and does not show. It is written for people living with MS, their families,
and the nurses, therapists and doctors who look after them.

Each post tries to do three things:

1. explain the background, so the post makes sense without a medical degree;
2. say what a study actually tested, in whom, and how big the effect was;
3. be honest about uncertainty, including when the answer is “we don’t know yet”.

## Comments

Discussion is the best part of this blog. Readers share their experience, correct mistakes and
ask the questions a post forgot to answer. Comments are moderated: a first comment waits for
approval, and after that your comments appear straight away. Please don't post anything you would
not want a stranger to read, such as your full name together with your diagnosis, if that worries you.

## Who writes here

Posts are written by Helen Marsh, a neurology nurse specialist, with occasional guest posts that
are clearly marked. Nobody who writes here is paid by a drug company; if that ever changes, the
post concerned will say so at the top.

Please read the [disclaimer](/disclaimer/) before acting on anything you read here.
""",
    ),
    DemoPage(
        "Disclaimer",
        "disclaimer",
        2,
        """\
## This blog is not medical advice

Everything on this site is general information about multiple sclerosis and its research. It is
not a diagnosis, and it is not advice about your own treatment. MS differs a great deal from one
person to the next, and only a clinician who knows your history, examination and scans can weigh
the benefits and risks of a treatment for you.

- **Do not start, stop or change a medicine** because of something you read here. Talk to your
  neurologist or MS nurse first.
- **New or sudden symptoms** (weakness, loss of vision, trouble speaking or swallowing, a fever
  while on an immune therapy) need prompt medical attention. Contact your MS team, your doctor or
  the emergency services; do not wait for a reply in the comments.
- **Research moves on.** Posts are accurate to the best of our knowledge on the date they were
  published, and are not always updated. Check the date.
- **Comments are written by readers.** They share personal experience, which is valuable, but
  they are not checked by a clinician.

Drugs discussed here may be used “off label”, outside the conditions for which they are licensed.
That is legal and often reasonable, but the decision belongs to you and your doctor.

No writer on this site has a financial relationship with the makers of any treatment discussed.
""",
    ),
)


@dataclass(frozen=True)
class DemoPost:
    title: str
    slug: str
    body: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    # Negative: published that many days before the first load; positive: scheduled that far ahead.
    days_from_now: int
    hour: int = 8
    minute: int = 30
    status: str = "published"
    excerpt: str = ""
    is_sticky: bool = False
    has_figure: bool = False
    comments_open: bool = True


# The figure of the four courses of MS, inserted into the rituximab post with [figure ID].
FIGURE_FILENAME = "four-courses-of-ms.png"
FIGURE_ALT = (
    "Four small charts of disability over time. a, relapsing-remitting: attacks with recovery between "
    "them. b, progressive-relapsing: steady worsening with attacks on top. c, secondary progressive: "
    "attacks at first, then steady worsening. d, primary progressive: steady worsening from the start."
)
FIGURE_CAPTION = (
    "The four courses of MS as described in 1996: (a) relapsing-remitting, (b) progressive-relapsing, "
    "(c) secondary progressive, (d) primary progressive. Schematic, not to scale."
)
FIGURE_CREDIT = "Adapted from Lublin and Reingold, Neurology 1996."
FIGURE_MARKER = "{figure}"  # replaced by "[figure ID]" once the image exists

RITUXIMAB_SLUG = "rituximab-for-secondary-progressive-ms"

POSTS = (
    DemoPost(
        "Rituximab for Secondary Progressive MS?",
        RITUXIMAB_SLUG,
        """\
A question comes up again and again in clinic and in the comments here: if rituximab works so well
in relapsing MS, could it also help once the disease has turned progressive? The short answer is
that it may help some people, mainly those whose MS still shows signs of active inflammation, but
the evidence is thinner than for relapsing MS and comes largely from observational studies rather
than randomised trials. The longer answer starts with what “progressive” means.

<!--more-->

## The four courses of MS

In 1996 an international survey of MS specialists, led by Fred Lublin and Stephen Reingold,
agreed on four words for the ways MS unfolds over time. The figure below shows them as curves of
disability against time.

- **Relapsing-remitting (a).** Attacks, or relapses, of new or worse symptoms develop over days,
  then improve over weeks or months, completely or in part. Between attacks the illness is
  clinically stable. About 85 in 100 people with MS start this way.
- **Progressive-relapsing (b).** Disability worsens steadily from the start, and clear attacks
  happen on top of that steady worsening.
- **Secondary progressive (c).** The illness begins as relapsing-remitting. Years later, often
  ten to twenty, disability starts to build up steadily, with or without the occasional relapse.
- **Primary progressive (d).** Steady worsening from the start without attacks, sometimes with
  plateaus or small temporary improvements. About 10 to 15 in 100 people have this course.

{figure}

In 2013 the definitions were revised. “Progressive-relapsing” was folded into primary progressive
MS, and every course is now also described as *active* (relapses or new lesions on MRI) or *not
active*, and progressive courses as *with* or *without progression*. That revision matters for this
post: nearly every drug that works in MS works on inflammation, and “active” is how we see
inflammation.

## What rituximab does

Rituximab is an antibody against CD20, a protein on the surface of most B cells. An infusion removes
B cells from the blood for six months or more. It was developed for B-cell lymphoma and is widely
used in rheumatoid arthritis and other autoimmune diseases. In MS it is used *off label*: it was
never licensed for MS, because its manufacturer developed a close relative, ocrelizumab, for that
purpose instead. Several countries, Sweden above all, nevertheless use rituximab widely for MS,
because it is effective, familiar and far cheaper.

For decades MS was thought of as a T-cell disease, so the speed with which B-cell depletion stopped
new lesions in the phase 2 HERMES trial in 2008 was a surprise. Antibody-making plasma cells carry
no CD20 and survive the treatment, so the benefit probably comes from removing B cells that
*present* antigens to T cells and drive them, rather than from lowering antibodies.

## The evidence in progressive MS

- **OLYMPUS** (primary progressive MS, 439 people, published 2009) did not significantly delay
  confirmed disability progression overall. In a subgroup analysis, people under 51 and people with
  gadolinium-enhancing lesions appeared to benefit. A subgroup finding is a hypothesis, not a result.
- **ORATORIO** (ocrelizumab in primary progressive MS, 732 people, published 2017) tested that
  hypothesis by enrolling younger people. It found a modest but real reduction in confirmed
  disability progression, about a quarter, and ocrelizumab became the first drug licensed for
  primary progressive MS.
- **Secondary progressive MS** has no large randomised trial of rituximab. The best evidence is
  observational: a 2019 study from Switzerland and Sweden compared people with secondary
  progressive MS treated with rituximab with similar untreated people, matched on age, disability
  and other factors, and found slower worsening of disability in the treated group. Matching cannot remove
  every difference between two groups, so this is encouraging rather than conclusive.

## Who might benefit

Across these studies the pattern is consistent: the benefit is largest in younger people whose MS
still shows inflammation, with recent relapses or new or enhancing lesions on MRI. For long-standing
secondary progressive MS without such activity, no anti-CD20 drug has shown convincing benefit. The
worsening then seems driven by processes inside the brain and spinal cord, behind a largely intact
blood-brain barrier: slowly expanding “smouldering” lesions, activated microglia and the loss of
nerve fibres. Depleting B cells in the blood reaches those processes poorly.

## The risks

Rituximab is generally well tolerated, but it is not a trivial treatment:

- **Infusion reactions** (fever, chills, rash, a drop in blood pressure) are common with the first
  infusion and are reduced by premedication.
- **Infections** are more frequent, especially of the chest and urinary tract. With years of
  treatment, antibody (immunoglobulin) levels can fall, and low levels raise the risk of serious
  infection, so they are checked regularly.
- **Hepatitis B** can reactivate, so everyone is tested before the first dose.
- **Vaccines** work less well during B-cell depletion; where possible, vaccinations are brought up
  to date before starting.

## The bottom line

For secondary progressive MS with signs of activity, rituximab is a reasonable option to discuss
with your neurologist, particularly where the licensed anti-CD20 drugs are unavailable or
unaffordable. When progressive MS has been free of relapses and new lesions for years, it is much
less likely to help, and its risks weigh more. As always on this blog: this is background for that
conversation, not a substitute for it.
""",
        categories=("disease-modifying-therapies", "research"),
        tags=("rituximab", "b-cells", "progressive-ms", "clinical-trials"),
        days_from_now=-3,
        has_figure=True,
    ),
    DemoPost(
        "What an MRI Can and Cannot Tell You About MS",
        "what-an-mri-can-and-cannot-tell-you-about-ms",
        """\
Few tests matter as much in MS as magnetic resonance imaging. It helps make the diagnosis, it
decides many treatment choices, and it is the main outcome of most relapsing-MS trials. It is also
easy to over-read. Here is what the different parts of an MS scan report mean, and where their
limits are.

<!--more-->

## What the scan shows

- **T2 and FLAIR lesions** are the bright spots most people picture. Each marks an area where
  myelin, the insulating sheath around nerve fibres, has been damaged at some point. They accumulate
  over the years and rarely disappear, so a T2 lesion says *something happened here*, not *when*.
- **Gadolinium-enhancing lesions** light up after a contrast injection because the blood-brain
  barrier is leaking there. That leak lasts a few weeks, so enhancement is a snapshot of *current*
  inflammation.
- **T1 “black holes”** are lesions that stay dark on T1-weighted images after the acute phase has
  passed. They suggest lasting tissue loss rather than damage to myelin alone.
- **Atrophy**, the gradual shrinking of the brain, happens in everyone with age and faster in MS.
  It is measured in research; on an individual report it is usually only mentioned when obvious.

## How MRI is used for diagnosis

The McDonald criteria, first published in 2001 and revised several times since, ask for evidence that MS has affected different parts
of the nervous system (*dissemination in space*) at different times (*dissemination in time*). One
scan can show both: lesions in typical places such as next to the ventricles, in the cortex, the
brainstem or the spinal cord, and the coexistence of enhancing and non-enhancing lesions.

## What MRI cannot tell you

The number of lesions on a scan matches disability surprisingly poorly, which neurologists call the
*clinico-radiological paradox*. A few lesions in the spinal cord or brainstem can matter more than
dozens in the white matter of the hemispheres. Scanners and protocols differ, so comparing scans
from two hospitals can suggest change where there is none. And the slow damage that drives
progressive MS is hard to see on routine scans.

## What is coming

Two newer signs are moving from research into clinics. The **central vein sign**, a small vein
running through the middle of a lesion, helps tell MS apart from its mimics. **Paramagnetic rim
lesions**, which show a dark ring on special sequences, mark chronically active, “smouldering”
lesions that expand slowly and are linked with faster progression. Both are likely to become part
of routine reports over the next few years.
""",
        categories=("research",),
        tags=("mri", "progressive-ms"),
        days_from_now=-19,
        hour=9,
        minute=15,
    ),
    DemoPost(
        "Fatigue in MS: What Helps, According to the Evidence",
        "fatigue-in-ms-what-helps",
        """\
Ask people with MS which symptom affects their life most, and fatigue comes near the top of the
list, often above walking or vision. It is not ordinary tiredness: it can arrive without effort,
is out of proportion to what you have done, and does not always lift after a night's sleep. The
good news is that several approaches have reasonable evidence behind them.

<!--more-->

## First, look for other causes

MS fatigue is a diagnosis of exclusion. Before blaming MS, it is worth checking for things that
cause or worsen fatigue and can be treated: poor sleep (including sleep apnoea, and night-time
bladder trouble or spasms that interrupt sleep), depression, anaemia, an underactive thyroid,
infections, and side effects of medicines such as some painkillers, antispasticity drugs and
antihistamines.

## What has evidence

- **Exercise.** Regular aerobic and resistance training reduce fatigue in trials, and they help
  mood, fitness and walking too. The right dose is one you can keep up; starting small is fine.
- **Energy management.** Occupational therapists teach people to plan, pace and prioritise:
  spreading demanding tasks across the week, sitting for jobs that can be done seated, and
  scheduling rest *before* exhaustion. Group programmes have shown modest, lasting benefit.
- **Cognitive behavioural therapy** aimed at fatigue has reduced its impact in several trials,
  including when delivered online or by phone.
- **Keeping cool.** Heat temporarily worsens MS symptoms in many people (Uhthoff's phenomenon).
  Cooling vests, cool showers and avoiding hot baths and midday sun can make a real difference.

## What about medicines?

Amantadine, modafinil and methylphenidate have all been prescribed for MS fatigue for years. In
2021 the TRIUMPHANT-MS trial compared all three with placebo in the same people, one after another,
and none of them beat placebo, while all three caused more side effects. Some individuals still
feel helped, and a careful trial of a medicine can be reasonable, but the non-drug approaches above
deserve to come first.

## Be kind to yourself

Fatigue is invisible, which makes it easy for others, and for you, to underestimate it. Telling
family, friends and employers what it is like is itself a treatment of sorts: it makes pacing
possible.
""",
        categories=("living-with-ms",),
        tags=("fatigue", "exercise"),
        days_from_now=-41,
        hour=7,
        minute=45,
    ),
    DemoPost(
        "BTK Inhibitors: What the Trials Are Testing",
        "btk-inhibitors-what-the-trials-are-testing",
        """\
Bruton's tyrosine kinase (BTK) inhibitors are the most talked-about new class of MS drugs in years.
They are tablets rather than infusions, and, unlike the antibodies now used in MS, they are small
enough to cross into the brain. That is why researchers hope they may finally reach the
inflammation that drives progressive MS.

<!--more-->

## Why BTK?

BTK is an enzyme that B cells need to respond to signals, and that microglia, the brain's resident
immune cells, use too. Blocking it should therefore calm B cells in the blood *and* microglia behind
the blood-brain barrier, where the “smouldering” activity of progressive MS is thought to happen.

## What the trials have shown so far

- In **relapsing MS**, the large trials compared BTK inhibitors with teriflunomide, an established
  tablet. Evobrutinib and tolebrutinib did not reduce relapses more than teriflunomide did.
- In **non-relapsing secondary progressive MS**, a trial of tolebrutinib against placebo reported a
  delay in disability progression, the first such result in this group for many years.
- **Liver injury** has been seen with several drugs in the class, in a small number of people, so
  trials now monitor liver tests closely, especially in the first months.

## What to watch for

The questions now are whether the benefit in progressive MS is large enough to matter in daily
life, which people gain most, and whether the liver risk can be managed safely outside a trial.
We will come back to this as regulators and further trials report.
""",
        categories=("research", "disease-modifying-therapies"),
        tags=("btk-inhibitors", "progressive-ms", "clinical-trials", "b-cells"),
        days_from_now=6,
    ),
    DemoPost(
        "Vitamin D and MS: Where the Evidence Stands",
        "vitamin-d-and-ms",
        """\
People with low vitamin D levels are more likely to develop MS, and genetic studies suggest the
link is at least partly causal. Whether taking vitamin D *changes the course* of MS once it has
started is a different question, and a harder one.

<!--more-->

## Risk

Draft notes: latitude and sunlight, the Mendelian randomisation studies, and what this means for
the children of people with MS.

## Course of the illness

Draft notes: the supplementation trials so far have been small or inconclusive; summarise the
recent trial in early MS carefully and check its numbers against the paper before publishing.

## Practical advice

Draft notes: testing levels, sensible doses, and why mega-doses are not a good idea.
""",
        categories=("research", "living-with-ms"),
        tags=("vitamin-d",),
        days_from_now=0,
        status="draft",
    ),
)
