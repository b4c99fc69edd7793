"""The fixed suite of representative operations the benchmarks run."""

from __future__ import annotations

OPERATIONS: dict[str, str] = {
    "mobile_astronaut_list": """
        { astronauts(first: 20, ordering: [NAME_ASC]) {
            nodes { id name image { thumbnailUrl } agency { abbrev } } } }""",
    "spacecraft_detail_page": """
        { spacecraft(id: "602") {
            name serialNumber inSpace timeInSpace flightsCount status { name }
            image { imageUrl credit license { name } }
            spacecraftConfig { name capability crewCapacity
              agency { name abbrev foundingYear country { name } }
              family { name manufacturer { name } } }
            flights { id destination launch { name net } } } }""",
    "flight_with_crew_and_dockings": """
        { spacecraftFlight(id: "671") {
            destination duration
            launch { name net status { name } pad { name location { name } } }
            launchCrew { role { role } astronaut { name nationality { name } agency { abbrev } } }
            landingCrew { astronaut { name } }
            dockingEvents { docking dockingLocation { name } spaceStationTarget { name } }
            landing { success type { name } } }
          other: spacecraftFlight(id: "864") {
            dockingEvents { docking departure dockingLocation { name }
              spaceStationTarget { name owners { name } } } } }""",
    "station_with_everything_docked": """
        { spaceStation(id: "18") {
            name status { name } owners { name abbrev }
            dockingLocation { name currentlyDocked { docking
              flightVehicleChaser { spacecraft { name
                spacecraftConfig { name agency { name } } } } } }
            activeDockingEvents { docking flightVehicleChaser { launch { name } } } } }""",
    "iss_ports": """
        { spaceStation(id: "4") {
            name onboardCrew dockedVehicles activeExpeditions { name start }
            dockingLocation { name currentlyDocked { docking flightVehicleChaser {
              spacecraft { name } launch { name net } } } } } }""",
    "spacecraft_page_agency_descriptions": """
        { spacecrafts(first: 20) { totalCount nodes { name
            spacecraftConfig { name agency { name description } } } } }""",
    "deep_nesting_across_agencies": """
        { spacecraftFlights(first: 10) { nodes { id
            spacecraft { name spacecraftConfig { agency { name totalLaunchCount }
              family { manufacturer { name foundingYear } } } }
            launch { launchServiceProvider { name administrator } }
            launchCrew { astronaut { name agency { name totalLaunchCount } } } } } }""",
    "configuration_catalogue": """
        { spacecraftConfigs(first: 46, ordering: [NAME_ASC]) { nodes { name inUse
            agency { name } family { name spacecraft { name } } } } }""",
    "agency_page": """
        { agency(id: "121") { name description foundingYear logo { thumbnailUrl }
            spacecraftConfigs(first: 10) { totalCount nodes { name
              spacecraft(first: 5) { totalCount nodes { name status { name } } } } } } }""",
    "astronaut_profile": """
        { astronaut(id: "513") { name bio nationality { name } agency { name }
            flights { name net vidUrls { url } } landings { id spacecraft { name } } } }""",
}
