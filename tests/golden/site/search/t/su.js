KB_SEARCH.shard(["su",{"summary":[0,3,1,3,2,3],"survey":[0,8]}]);
